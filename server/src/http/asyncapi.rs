//! `/accord/v1/asyncapi`: AsyncAPI documents (versions, settings, export) and
//! `/accord/v1/subjects/{s}/usages` (which documents link a subject).
//!
//! Documents are posted as YAML or JSON text, not wrapped in a JSON body, and served in the
//! syntax `Accept` asks for (as stored when it does not choose). Everything else answers JSON
//! built from `accord-types`.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use accord_types::{AsyncApiConfig, AsyncApiRegistered, SubjectUsage};

use super::extract::{Body, Params, body_bytes, media_type};
use crate::AppState;
use crate::error::ApiError;
use crate::registry::{RegistryError, VersionSelector};

mod yaml;

/// Media types a document may be posted as (parameters such as `charset` allowed).
const DOCUMENT_TYPES: [&str; 7] = [
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "application/json",
    "application/vnd.aai.asyncapi",
    "application/vnd.aai.asyncapi+json",
    "application/vnd.aai.asyncapi+yaml",
];
const YAML_TYPES: [&str; 4] = [
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "application/vnd.aai.asyncapi+yaml",
];
const JSON_TYPES: [&str; 2] = ["application/json", "application/vnd.aai.asyncapi+json"];
/// What JSON documents are served as when `Accept` names no JSON type.
const DEFAULT_JSON: &str = "application/vnd.aai.asyncapi+json";
const DEFAULT_YAML: &str = "application/yaml";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/accord/v1/asyncapi", get(list_names))
        .route("/accord/v1/asyncapi/export", get(export))
        .route(
            "/accord/v1/asyncapi/config",
            get(get_global_config)
                .put(put_global_config)
                .delete(delete_global_config),
        )
        .route(
            "/accord/v1/asyncapi/{name}",
            axum::routing::delete(delete_document),
        )
        .route(
            "/accord/v1/asyncapi/{name}/versions",
            get(list_versions).post(post_version),
        )
        .route(
            "/accord/v1/asyncapi/{name}/versions/{version}",
            get(get_version).delete(delete_version),
        )
        .route(
            "/accord/v1/asyncapi/{name}/config",
            get(get_config).put(put_config).delete(delete_config),
        )
        .route("/accord/v1/subjects/{subject}/usages", get(usages))
}

/// A document posted as text; `None` when the body is empty.
#[derive(Debug)]
struct DocumentBody(Option<String>);

impl<S: Send + Sync> FromRequest<S> for DocumentBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Some(bytes) = body_bytes(request, state, &DOCUMENT_TYPES).await? else {
            return Ok(DocumentBody(None));
        };
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::bad_request("the document is not UTF-8 text"))?;
        Ok(DocumentBody(Some(text)))
    }
}

/// The syntax and media type to answer with: the first YAML or JSON type `Accept` names,
/// else the default.
fn choose_syntax(headers: &HeaderMap, default_json: bool) -> (bool, &'static str) {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let media = media_type(part);
        if let Some(t) = YAML_TYPES.iter().find(|t| **t == media) {
            return (false, t);
        }
        if let Some(t) = JSON_TYPES.iter().find(|t| **t == media) {
            return (true, t);
        }
    }
    if default_json {
        (true, DEFAULT_JSON)
    } else {
        (false, DEFAULT_YAML)
    }
}

/// A JSON value as a document response in the chosen syntax.
fn document_response(value: &Value, json: bool, media: &'static str) -> Response {
    let text = if json {
        serde_json::to_string_pretty(value).unwrap_or_default()
    } else {
        yaml::to_yaml(value)
    };
    ([(header::CONTENT_TYPE, media)], text).into_response()
}

/// The URLs the registry is reached under, from the request's `Host`.
fn base_urls(headers: &HeaderMap) -> Vec<String> {
    match host(headers) {
        Some(host) => vec![format!("http://{host}/"), format!("https://{host}/")],
        None => Vec::new(),
    }
}

fn host(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '@']))
        .map(str::to_owned)
}

async fn list_names(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(
        state
            .registry
            .document_names(params.flag("deleted"))
            .await?,
    ))
}

async fn list_versions(
    State(state): State<AppState>,
    Path(name): Path<String>,
    params: Params,
) -> Result<Json<Vec<i32>>, ApiError> {
    let versions = state
        .registry
        .document_version_numbers(&name, params.flag("deleted"))
        .await?;
    Ok(Json(versions))
}

async fn post_version(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    DocumentBody(text): DocumentBody,
) -> Result<Json<AsyncApiRegistered>, ApiError> {
    let text = text.ok_or_else(|| {
        ApiError::from(RegistryError::Unprocessable(
            "the request body must be an asyncapi document".into(),
        ))
    })?;
    let registered = state
        .registry
        .post_document(&name, text, base_urls(&headers))
        .await?;
    Ok(Json(registered))
}

async fn get_version(
    State(state): State<AppState>,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let stored = state
        .registry
        .document_version(&name, selector, params.flag("deleted"))
        .await?;
    let (json, media) = choose_syntax(&headers, stored.is_json);
    if json == stored.is_json {
        return Ok(([(header::CONTENT_TYPE, media)], stored.content).into_response());
    }
    // Stored documents were accepted by this parser, so this only fails if limits changed.
    let parsed = accord_asyncapi::parse(
        &stored.content,
        &accord_asyncapi::ParseOptions::recommended(),
    )
    .map_err(|e| ApiError::from(RegistryError::Internal(format!("stored document: {e}"))))?;
    Ok(document_response(&parsed.value, json, media))
}

async fn delete_version(
    State(state): State<AppState>,
    Path((name, version)): Path<(String, String)>,
    params: Params,
) -> Result<Json<i32>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let deleted = state
        .registry
        .delete_document_version(&name, selector, params.flag("permanent"))
        .await?;
    Ok(Json(deleted))
}

async fn delete_document(
    State(state): State<AppState>,
    Path(name): Path<String>,
    params: Params,
) -> Result<Json<Vec<i32>>, ApiError> {
    let deleted = state
        .registry
        .delete_document(&name, params.flag("permanent"))
        .await?;
    Ok(Json(deleted))
}

async fn get_config(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    Ok(Json(state.registry.document_config(Some(&name)).await?))
}

async fn put_config(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: Body<AsyncApiConfig>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    let update = config_update(body)?;
    Ok(Json(
        state
            .registry
            .put_document_config(Some(&name), update)
            .await?,
    ))
}

async fn get_global_config(
    State(state): State<AppState>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    Ok(Json(state.registry.document_config(None).await?))
}

async fn put_global_config(
    State(state): State<AppState>,
    body: Body<AsyncApiConfig>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    let update = config_update(body)?;
    Ok(Json(
        state.registry.put_document_config(None, update).await?,
    ))
}

async fn delete_config(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    Ok(Json(
        state.registry.delete_document_config(Some(&name)).await?,
    ))
}

async fn delete_global_config(
    State(state): State<AppState>,
) -> Result<Json<AsyncApiConfig>, ApiError> {
    Ok(Json(state.registry.delete_document_config(None).await?))
}

/// A settings body; `null` or empty is refused.
fn config_update(Body(body): Body<AsyncApiConfig>) -> Result<AsyncApiConfig, ApiError> {
    body.ok_or_else(|| {
        ApiError::from(RegistryError::Unprocessable(
            "the request body must not be null".into(),
        ))
    })
}

async fn usages(
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> Result<Json<Vec<SubjectUsage>>, ApiError> {
    Ok(Json(state.registry.subject_usages(&subject).await?))
}

async fn export(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let host = host(&headers).unwrap_or_else(|| state.config.listen.to_string());
    let url = format!("http://{host}");
    let document = state.registry.export_asyncapi(&url, &host).await?;
    let (json, media) = choose_syntax(&headers, true);
    Ok(document_response(&document, json, media))
}
