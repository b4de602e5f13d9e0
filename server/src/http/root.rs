//! Root, server metadata, schema types and health endpoints.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use accord_types::{
    ClusterMetadata, ClusterScope, DeploymentMetadata, EmptyObject, HealthStatus, ServerVersion,
};

use super::extract::Body;
use crate::AppState;
use crate::error::ApiError;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Json(EmptyObject {}) }).post(post_root))
        .route(
            "/schemas/types",
            get(|| async { Json(["JSON", "PROTOBUF", "AVRO"]) }),
        )
        .route("/v1/metadata/id", get(cluster_id))
        .route("/v1/metadata/version", get(version))
        .route(
            "/v1/metadata/deployment",
            get(|| async { Json(DeploymentMetadata::default()) }),
        )
        .route("/health/live", get(|| async { Json(health("ok")) }))
        .route("/health/ready", get(ready))
}

/// `POST /` accepts any JSON object of strings and answers `{}`.
async fn post_root(Body(body): Body<Value>) -> Result<Json<EmptyObject>, ApiError> {
    match body {
        None => Ok(Json(EmptyObject {})),
        Some(Value::Object(map)) if map.values().all(|v| !v.is_object() && !v.is_array()) => {
            Ok(Json(EmptyObject {}))
        }
        Some(_) => Err(ApiError::bad_request(
            "the root resource accepts a flat JSON object",
        )),
    }
}

async fn cluster_id() -> Json<ClusterMetadata> {
    let clusters = ["kafka-cluster", "schema-registry-cluster"]
        .into_iter()
        .map(|kind| (kind.to_owned(), "accord".to_owned()))
        .collect();
    Json(ClusterMetadata {
        scope: ClusterScope {
            path: Vec::new(),
            clusters,
        },
    })
}

fn health(status: &str) -> HealthStatus {
    HealthStatus {
        status: status.to_owned(),
    }
}

async fn version() -> Json<ServerVersion> {
    Json(ServerVersion {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        commit_id: "unknown".to_owned(),
    })
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthStatus>) {
    match state.registry.store().ping().await {
        Ok(()) => (StatusCode::OK, Json(health("ready"))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(health("unavailable")))
        }
    }
}
