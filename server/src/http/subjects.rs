//! `/subjects`: listing, registration, lookup, versions, deletion, `referencedby`, metadata.

use accord_types::{RegisterSchemaRequest, RegisterSchemaResponse, Schema};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::extract::{Body, Params};
use crate::AppState;
use crate::error::ApiError;
use crate::registry::{
    RegisterOutcome, RegistryError, SchemaRequest, SubjectFilter, TagsRequest, VersionSelector,
    read_page,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/subjects", get(list_subjects))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route(
            "/subjects/{subject}/versions",
            get(list_versions).post(register),
        )
        .route(
            "/subjects/{subject}/versions/{version}",
            get(get_version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(get_raw),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
        .route("/subjects/{subject}/metadata", get(by_metadata))
        .route(
            "/subjects/{subject}/versions/{version}/tags",
            post(modify_tags),
        )
}

/// A register/lookup/compatibility body; an empty body is a constraint violation (422).
pub(super) fn schema_request(
    body: Option<RegisterSchemaRequest>,
) -> Result<SchemaRequest, ApiError> {
    let body = body.ok_or_else(|| {
        ApiError::from(RegistryError::Unprocessable(
            "the request body must not be null".into(),
        ))
    })?;
    Ok(SchemaRequest::from_dto(body)?)
}

async fn list_subjects(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<String>>, ApiError> {
    let (offset, limit) = params.paging()?;
    let filter = SubjectFilter::from_flags(params.flag("deleted"), params.flag("deletedOnly"));
    let subjects = state
        .registry
        .list_subjects(params.get("subjectPrefix"), filter)
        .await?;
    Ok(Json(read_page(subjects, offset, limit)))
}

async fn list_versions(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<Vec<i32>>, ApiError> {
    let (offset, limit) = params.paging()?;
    let filter = SubjectFilter::from_flags(params.flag("deleted"), params.flag("deletedOnly"));
    let versions = state.registry.list_versions(&subject, filter).await?;
    Ok(Json(read_page(versions, offset, limit)))
}

async fn register(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
    Body(body): Body<RegisterSchemaRequest>,
) -> Result<Json<RegisterSchemaResponse>, ApiError> {
    let request = schema_request(body)?;
    let outcome = state
        .registry
        .register(&subject, request, params.flag("normalize"))
        .await?;
    Ok(Json(match outcome {
        RegisterOutcome::Id(id) => RegisterSchemaResponse::with_id(id),
        RegisterOutcome::Full(full) => *full,
    }))
}

async fn lookup(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
    Body(body): Body<RegisterSchemaRequest>,
) -> Result<Json<Schema>, ApiError> {
    let request = schema_request(body)?;
    let schema = state
        .registry
        .lookup(
            &subject,
            request,
            params.flag("normalize"),
            params.flag("deleted"),
        )
        .await?;
    Ok(Json(schema))
}

async fn get_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Json<Schema>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let schema = state
        .registry
        .get_version(
            &subject,
            selector,
            params.flag("deleted"),
            params.get("format"),
        )
        .await?;
    Ok(Json(schema))
}

async fn get_raw(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let schema = state
        .registry
        .get_version(
            &subject,
            selector,
            params.flag("deleted"),
            params.get("format"),
        )
        .await?;
    Ok(super::raw_schema(schema.schema))
}

async fn referenced_by(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Json<Vec<i32>>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let (offset, limit) = params.paging()?;
    let ids = state
        .registry
        .referenced_by(&subject, selector, params.flag("deleted"))
        .await?;
    Ok(Json(read_page(ids, offset, limit)))
}

async fn delete_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    params: Params,
) -> Result<Json<i32>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let deleted = state
        .registry
        .delete_version(&subject, selector, params.flag("permanent"))
        .await?;
    Ok(Json(deleted))
}

async fn delete_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<Vec<i32>>, ApiError> {
    let deleted = state
        .registry
        .delete_subject(&subject, params.flag("permanent"))
        .await?;
    Ok(Json(deleted))
}

async fn by_metadata(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    params: Params,
) -> Result<Json<Schema>, ApiError> {
    let pairs: Vec<(String, String)> = params
        .all("key")
        .into_iter()
        .zip(params.all("value"))
        .collect();
    let schema = state
        .registry
        .version_by_metadata(&subject, &pairs, params.flag("deleted"))
        .await?;
    Ok(Json(schema))
}

async fn modify_tags(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Body(body): Body<TagsRequest>,
) -> Result<Json<accord_types::RegisterSchemaResponse>, ApiError> {
    let selector = VersionSelector::parse(&version)?;
    let body = body.ok_or_else(|| {
        ApiError::from(RegistryError::Unprocessable(
            "the request body must not be null".into(),
        ))
    })?;
    Ok(Json(
        state.registry.modify_tags(&subject, selector, body).await?,
    ))
}
