//! `/config`, `/mode` and `/contexts`: settings at every scope, and the list of contexts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};

use accord_types::{Config, ConfigUpdateRequest, Mode as ModeBody};

use super::extract::{Body, Params};
use crate::AppState;
use crate::error::ApiError;
use crate::registry::{QualifiedSubject, RegistryError, read_page};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/config",
            get(get_global_config)
                .put(put_global_config)
                .delete(delete_global_config),
        )
        .route(
            "/config/{subject}",
            get(get_config).put(put_config).delete(delete_config),
        )
        .route(
            "/mode",
            get(get_global_mode)
                .put(put_global_mode)
                .delete(delete_global_mode),
        )
        .route(
            "/mode/{subject}",
            get(get_mode).put(put_mode).delete(delete_mode),
        )
        .route("/contexts", get(list_contexts))
        .route("/contexts/{context}", delete(delete_context))
}

fn required<T>(body: Option<T>) -> Result<T, ApiError> {
    body.ok_or_else(|| {
        RegistryError::Unprocessable("the request body must not be null".into()).into()
    })
}

async fn get_global_config(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Config>, ApiError> {
    let config = state
        .registry
        .get_config(None, params.flag("defaultToGlobal"))
        .await?;
    Ok(Json(config))
}

async fn get_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<Config>, ApiError> {
    let subject = QualifiedSubject::parse(&subject);
    let config = state
        .registry
        .get_config(Some(&subject), params.flag("defaultToGlobal"))
        .await?;
    Ok(Json(config))
}

async fn put_global_config(
    State(state): State<AppState>,
    Body(body): Body<ConfigUpdateRequest>,
) -> Result<Json<ConfigUpdateRequest>, ApiError> {
    let echo = state
        .registry
        .put_config(None, None, required(body)?)
        .await?;
    Ok(Json(echo))
}

async fn put_config(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Body(body): Body<ConfigUpdateRequest>,
) -> Result<Json<ConfigUpdateRequest>, ApiError> {
    let subject = QualifiedSubject::parse(&raw);
    let echo = state
        .registry
        .put_config(Some(&subject), Some(&raw), required(body)?)
        .await?;
    Ok(Json(echo))
}

async fn delete_global_config(State(state): State<AppState>) -> Result<Json<Config>, ApiError> {
    Ok(Json(state.registry.delete_config(None).await?))
}

async fn delete_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> Result<Json<Config>, ApiError> {
    let subject = QualifiedSubject::parse(&subject);
    Ok(Json(state.registry.delete_config(Some(&subject)).await?))
}

fn mode_body(mode: crate::registry::Mode) -> Json<ModeBody> {
    Json(ModeBody {
        mode: Some(mode.as_str().to_owned()),
    })
}

async fn get_global_mode(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<ModeBody>, ApiError> {
    let mode = state
        .registry
        .get_mode(None, params.flag("defaultToGlobal"))
        .await?;
    Ok(mode_body(mode))
}

async fn get_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<ModeBody>, ApiError> {
    let subject = QualifiedSubject::parse(&subject);
    let mode = state
        .registry
        .get_mode(Some(&subject), params.flag("defaultToGlobal"))
        .await?;
    Ok(mode_body(mode))
}

async fn put_global_mode(
    State(state): State<AppState>,
    params: Params,
    Body(body): Body<ModeBody>,
) -> Result<Json<ModeBody>, ApiError> {
    let body = required(body)?;
    state
        .registry
        .put_mode(None, None, body.mode.as_deref(), params.flag("force"))
        .await?;
    Ok(Json(body))
}

async fn put_mode(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    params: Params,
    Body(body): Body<ModeBody>,
) -> Result<Json<ModeBody>, ApiError> {
    let body = required(body)?;
    let subject = QualifiedSubject::parse(&raw);
    state
        .registry
        .put_mode(
            Some(&subject),
            Some(&raw),
            body.mode.as_deref(),
            params.flag("force"),
        )
        .await?;
    Ok(Json(body))
}

async fn delete_global_mode(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<ModeBody>, ApiError> {
    let mode = state
        .registry
        .delete_mode(None, params.flag("recursive"))
        .await?;
    Ok(mode_body(mode))
}

async fn delete_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<ModeBody>, ApiError> {
    let subject = QualifiedSubject::parse(&subject);
    let mode = state
        .registry
        .delete_mode(Some(&subject), params.flag("recursive"))
        .await?;
    Ok(mode_body(mode))
}

async fn list_contexts(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<String>>, ApiError> {
    let (offset, limit) = params.paging()?;
    let prefix = params.get("contextPrefix").unwrap_or("");
    let contexts: Vec<String> = state
        .registry
        .list_contexts()
        .await?
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .collect();
    Ok(Json(read_page(contexts, offset, limit)))
}

async fn delete_context(
    State(state): State<AppState>,
    Path(context): Path<String>,
) -> Result<StatusCode, ApiError> {
    let subject = QualifiedSubject::parse(&format!(":{}:", context.trim_matches(':')));
    state.registry.delete_context(&subject.context).await?;
    Ok(StatusCode::NO_CONTENT)
}
