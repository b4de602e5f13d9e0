//! `/compatibility`: test a schema against one version or against what registration would check.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};

use accord_types::{CompatibilityCheckResponse, RegisterSchemaRequest};

use super::extract::{Body, Params};
use super::subjects::schema_request;
use crate::AppState;
use crate::error::ApiError;
use crate::registry::VersionSelector;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(against_one),
        )
}

async fn check(
    state: &AppState,
    subject: &str,
    version: Option<VersionSelector>,
    params: &Params,
    body: Option<RegisterSchemaRequest>,
) -> Result<Json<CompatibilityCheckResponse>, ApiError> {
    let request = schema_request(body)?;
    let verbose = params.flag("verbose");
    let result = state
        .registry
        .check_compatibility(subject, version, request, verbose)
        .await?;
    Ok(Json(CompatibilityCheckResponse {
        is_compatible: result.is_compatible,
        messages: verbose.then_some(result.messages),
    }))
}

async fn against_all(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
    Body(body): Body<RegisterSchemaRequest>,
) -> Result<Json<CompatibilityCheckResponse>, ApiError> {
    check(&state, &subject, None, &params, body).await
}

async fn against_one(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
    Body(body): Body<RegisterSchemaRequest>,
) -> Result<Json<CompatibilityCheckResponse>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    check(&state, &subject, Some(selector), &params, body).await
}
