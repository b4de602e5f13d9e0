//! The HTTP surface: one router per Confluent resource, plus the middleware that makes the
//! whole surface behave like Confluent's (URI rewriting, content negotiation, error bodies).

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

use accord_types::ErrorCode;

use crate::AppState;
use crate::error::ApiError;

mod asyncapi;
mod compatibility;
mod config;
mod extract;
mod rewrite;
mod root;
mod schemas;
mod subjects;

/// The media type Confluent answers with by default.
const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// Every route, with Confluent's middleware around it.
pub(crate) fn router(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let routes = Router::new()
        .merge(root::router())
        .merge(schemas::router())
        .merge(subjects::router())
        .merge(compatibility::router())
        .merge(config::router())
        .merge(asyncapi::router())
        .fallback(|| async { ApiError::http(ErrorCode::NOT_FOUND, "Not Found") })
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(confluent_errors))
        .layer(middleware::from_fn(negotiate))
        .layer(middleware::from_fn(crate::error::log_internal_errors));
    // URI rewriting must happen before routing, so it wraps the routed service.
    let rewriting = tower::service_fn(move |mut request: Request| {
        let routes = routes.clone();
        async move {
            match rewrite::rewrite(request.uri()) {
                Ok(Some(uri)) => *request.uri_mut() = uri,
                Ok(None) => {}
                Err(rewrite::BadContext) => {
                    return Ok(
                        ApiError::bad_request("context name must not contain ':'").into_response()
                    );
                }
            }
            routes.oneshot(request).await
        }
    });
    Router::new().fallback_service(rewriting)
}

/// `…/schema` endpoints: a JSON schema text is returned as JSON, any other text (Protobuf)
/// verbatim, as Confluent does.
fn raw_schema(text: String) -> Response {
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => axum::Json(value).into_response(),
        Err(_) => ([(header::CONTENT_TYPE, V1_JSON)], text).into_response(),
    }
}

/// Answers in the media type the client asked for (Confluent's content negotiation).
async fn negotiate(request: Request, next: Next) -> Response {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let chosen = if accept.is_empty()
        || accept.contains("*/*")
        || accept.contains(V1_JSON)
        || accept.contains("application/*")
    {
        V1_JSON
    } else if accept.contains("application/vnd.schemaregistry+json") {
        "application/vnd.schemaregistry+json"
    } else if accept.contains("application/json") {
        "application/json"
    } else {
        V1_JSON
    };
    let mut response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(chosen));
    }
    response
}

/// Turns framework-level failures (wrong method, bad path parameter, body limit) that were
/// not produced by our handlers into Confluent's JSON error body.
async fn confluent_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !status.is_client_error() && !status.is_server_error() || is_json {
        return response;
    }
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                ErrorCode::PAYLOAD_TOO_LARGE,
                "request body exceeds the configured size limit",
            )
            .into_response();
        }
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::METHOD_NOT_ALLOWED,
        StatusCode::NOT_FOUND => ErrorCode::NOT_FOUND,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UNSUPPORTED_MEDIA_TYPE,
        s if s.is_server_error() => ErrorCode::INTERNAL,
        _ => ErrorCode::BAD_REQUEST,
    };
    let reason = status.canonical_reason().unwrap_or("Error");
    let mut out = ApiError::http(code, reason).into_response();
    *out.status_mut() = status;
    out
}
