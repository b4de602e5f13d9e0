//! Request extraction with Confluent's rules: accepted content types, Jackson-like body
//! parsing with Confluent error bodies, and case-insensitive boolean query flags.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use accord_types::ErrorCode;

use crate::error::ApiError;

/// Content types Confluent's resources consume (parameters such as `charset` allowed).
const ACCEPTED_TYPES: [&str; 4] = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// A JSON request body; `None` when the body is empty.
#[derive(Debug)]
pub(super) struct Body<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Some(bytes) = body_bytes(request, state, &ACCEPTED_TYPES).await? else {
            return Ok(Body(None));
        };
        // Through `Value` first: like Jackson, the last of duplicate keys wins.
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON in request body: {e}")))?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                "the request body must be a JSON object",
            ));
        }
        serde_json::from_value(value)
            .map(|v| Body(Some(v)))
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
    }
}

/// A media type without its parameters, lower case: `Application/JSON; charset=utf-8` →
/// `application/json`.
pub(super) fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The body of a request whose `Content-Type` is one of `accepted` (415 otherwise), within
/// the configured size limit (413); `None` when it is empty or only whitespace.
pub(super) async fn body_bytes<S: Send + Sync>(
    request: Request,
    state: &S,
    accepted: &[&str],
) -> Result<Option<Bytes>, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !accepted.contains(&media_type(content_type).as_str()) {
        return Err(ApiError::http(
            ErrorCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
        ));
    }
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PAYLOAD_TOO_LARGE,
                    "request body exceeds the configured size limit",
                )
            } else {
                ApiError::bad_request(rejection.body_text())
            }
        })?;
    Ok((!bytes.iter().all(u8::is_ascii_whitespace)).then_some(bytes))
}

/// Query parameters, in order, with repeated keys kept.
#[derive(Debug, Default)]
pub(super) struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))
    }
}

impl Params {
    /// The first value of `key`.
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A JAX-RS boolean: `true` in any case is true, anything else (or absent) is false.
    pub(super) fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// An integer parameter; a value that does not convert is a 404, as in JAX-RS.
    pub(super) fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(raw) => raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::http(ErrorCode::NOT_FOUND, "Not Found")),
        }
    }

    /// `offset` (default 0) and `limit` (≤ 0 or absent: unlimited).
    pub(super) fn paging(&self) -> Result<(usize, Option<i64>), ApiError> {
        let offset = self.int("offset")?.unwrap_or(0).max(0) as usize;
        Ok((offset, self.int("limit")?))
    }
}

/// Parses a numeric path id; non-numbers are a JAX-RS 404.
pub(super) fn path_id(raw: &str) -> Result<i32, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::http(ErrorCode::NOT_FOUND, "Not Found"))
}
