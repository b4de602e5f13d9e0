//! Root, server metadata, schema types and health endpoints.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use accord_types::ServerVersion;

use super::extract::Body;
use crate::AppState;
use crate::error::ApiError;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Json(json!({})) }).post(post_root))
        .route(
            "/schemas/types",
            get(|| async { Json(json!(["JSON", "PROTOBUF", "AVRO"])) }),
        )
        .route("/v1/metadata/id", get(cluster_id))
        .route("/v1/metadata/version", get(version))
        .route(
            "/v1/metadata/deployment",
            get(|| async { Json(json!({"attributes": []})) }),
        )
        .route(
            "/health/live",
            get(|| async { Json(json!({"status": "ok"})) }),
        )
        .route("/health/ready", get(ready))
}

/// `POST /` accepts any JSON object of strings and answers `{}`.
async fn post_root(Body(body): Body<Value>) -> Result<Json<Value>, ApiError> {
    match body {
        None => Ok(Json(json!({}))),
        Some(Value::Object(map)) if map.values().all(|v| !v.is_object() && !v.is_array()) => {
            Ok(Json(json!({})))
        }
        Some(_) => Err(ApiError::bad_request(
            "the root resource accepts a flat JSON object",
        )),
    }
}

async fn cluster_id() -> Json<Value> {
    Json(json!({
        "scope": {
            "path": [],
            "clusters": {"kafka-cluster": "accord", "schema-registry-cluster": "accord"}
        }
    }))
}

async fn version() -> Json<ServerVersion> {
    Json(ServerVersion {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        commit_id: "unknown".to_owned(),
    })
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.registry.store().ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
        }
    }
}
