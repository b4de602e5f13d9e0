//! `/schemas`: schemas by id and GUID, and the listing of all subject versions.

use accord_types::{ContextId, Schema, SchemaString, SubjectVersion};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

use super::extract::{Params, path_id};
use crate::AppState;
use crate::error::ApiError;
use crate::registry::read_page;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/schemas", get(list))
        .route("/schemas/ids/{id}", get(by_id))
        .route("/schemas/ids/{id}/schema", get(raw_by_id))
        .route("/schemas/ids/{id}/subjects", get(id_subjects))
        .route("/schemas/ids/{id}/versions", get(id_versions))
        .route("/schemas/guids/{guid}", get(by_guid))
        .route("/schemas/guids/{guid}/ids", get(guid_ids))
}

async fn by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<SchemaString>, ApiError> {
    let id = path_id(&id)?;
    let schema = state
        .registry
        .schema_by_id(
            id,
            params.get("subject"),
            params.flag("fetchMaxId"),
            params.get("format"),
        )
        .await?;
    Ok(Json(schema))
}

async fn raw_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let schema = state
        .registry
        .schema_by_id(id, params.get("subject"), false, params.get("format"))
        .await?;
    Ok(super::raw_schema(schema.schema))
}

async fn id_versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Vec<SubjectVersion>>, ApiError> {
    let id = path_id(&id)?;
    let (offset, limit) = params.paging()?;
    let versions = state
        .registry
        .id_versions(id, params.get("subject"), params.flag("deleted"))
        .await?;
    Ok(Json(read_page(versions, offset, limit)))
}

async fn id_subjects(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Json<Vec<String>>, ApiError> {
    let id = path_id(&id)?;
    let (offset, limit) = params.paging()?;
    let versions = state
        .registry
        .id_versions(id, params.get("subject"), params.flag("deleted"))
        .await?;
    let mut subjects: Vec<String> = versions.into_iter().map(|v| v.subject).collect();
    subjects.dedup();
    Ok(Json(read_page(subjects, offset, limit)))
}

async fn by_guid(
    State(state): State<AppState>,
    Path(guid): Path<String>,
) -> Result<Json<SchemaString>, ApiError> {
    Ok(Json(state.registry.schema_by_guid(&guid).await?))
}

async fn guid_ids(
    State(state): State<AppState>,
    Path(guid): Path<String>,
) -> Result<Json<Vec<ContextId>>, ApiError> {
    let ids = state.registry.guid_ids(&guid).await?;
    Ok(Json(
        ids.into_iter()
            .map(|(context, id)| ContextId { context, id })
            .collect(),
    ))
}

async fn list(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Vec<Schema>>, ApiError> {
    let (offset, limit) = params.paging()?;
    let with_aliases = params.flag("aliases");
    let schemas = state
        .registry
        .list_schemas(
            params.get("subjectPrefix"),
            params.flag("deleted"),
            params.flag("latestOnly"),
        )
        .await?;
    let items = schemas
        .into_iter()
        .map(|(schema, aliases): (Schema, Vec<String>)| {
            if with_aliases {
                Schema { aliases, ..schema }
            } else {
                schema
            }
        })
        .collect();
    Ok(Json(read_page(items, offset, limit.or(Some(1000)))))
}
