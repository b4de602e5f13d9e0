//! The one mapping from domain errors to HTTP: status, Confluent `error_code`, and body.
//!
//! Every failure a handler returns becomes an [`ApiError`] here and nowhere else. Server-side
//! failures (5xx) carry a generic message; their detail travels in a response extension and
//! is logged once by [`log_internal_errors`].

use accord_types::{AsyncApiChange, AsyncApiDiagnostic, AsyncApiErrorBody, ErrorBody, ErrorCode};
use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::registry::RegistryError;

/// An error on its way to the client.
#[derive(Debug)]
pub(crate) struct ApiError {
    code: ErrorCode,
    message: String,
    /// Detail for the log, never sent (5xx only).
    detail: Option<String>,
    /// The findings or breaking changes of a rejected AsyncAPI document, sent in the body.
    report: Option<(Vec<AsyncApiDiagnostic>, Vec<AsyncApiChange>)>,
}

/// The detail of an internal error, carried to the logging middleware.
#[derive(Debug, Clone)]
struct InternalDetail(String);

impl ApiError {
    /// An error with an explicit code and message.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            detail: None,
            report: None,
        }
    }

    /// 400 with `error_code` 400.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::BAD_REQUEST, message)
    }

    /// The JAX-RS style error for an HTTP-level failure (404, 405, 415).
    pub(crate) fn http(code: ErrorCode, reason: &str) -> ApiError {
        ApiError::new(code, format!("HTTP {} {reason}", code.0))
    }

    fn internal(code: ErrorCode, message: &str, detail: String) -> ApiError {
        ApiError {
            code,
            message: message.to_owned(),
            detail: Some(detail),
            report: None,
        }
    }
}

impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> ApiError {
        use RegistryError as E;
        let code = match &error {
            E::SubjectNotFound(_) => ErrorCode::SUBJECT_NOT_FOUND,
            E::VersionNotFound(_) => ErrorCode::VERSION_NOT_FOUND,
            E::SchemaNotFound(_) => ErrorCode::SCHEMA_NOT_FOUND,
            E::SubjectSoftDeleted(_) => ErrorCode::SUBJECT_SOFT_DELETED,
            E::SubjectNotSoftDeleted(_) => ErrorCode::SUBJECT_NOT_SOFT_DELETED,
            E::VersionSoftDeleted(..) => ErrorCode::VERSION_SOFT_DELETED,
            E::VersionNotSoftDeleted(..) => ErrorCode::VERSION_NOT_SOFT_DELETED,
            E::SubjectConfigNotFound(_) => ErrorCode::SUBJECT_CONFIG_NOT_FOUND,
            E::SubjectModeNotFound(_) => ErrorCode::SUBJECT_MODE_NOT_FOUND,
            E::Incompatible(_) => ErrorCode::INCOMPATIBLE_SCHEMA,
            E::InvalidSchema(_) => ErrorCode::INVALID_SCHEMA,
            E::InvalidVersion(_) => ErrorCode::INVALID_VERSION,
            E::InvalidCompatibilityLevel => ErrorCode::INVALID_COMPATIBILITY_LEVEL,
            E::InvalidMode(_) => ErrorCode::INVALID_MODE,
            E::NotPermitted(_) => ErrorCode::OPERATION_NOT_PERMITTED,
            E::ReferenceExists(_) => ErrorCode::REFERENCE_EXISTS,
            E::InvalidSubject(_) => ErrorCode::INVALID_SUBJECT,
            E::InvalidRuleSet(_) => ErrorCode::INVALID_RULE_SET,
            E::ContextNotEmpty(_) => ErrorCode::CONTEXT_NOT_EMPTY,
            E::BadRequest(_) => ErrorCode::BAD_REQUEST,
            E::Unprocessable(_) => ErrorCode::UNPROCESSABLE,
            E::DocumentNotFound(_) => ErrorCode::SUBJECT_NOT_FOUND,
            E::DocumentConfigNotFound(_) => ErrorCode::SUBJECT_CONFIG_NOT_FOUND,
            E::DocumentVersionNotFound(..) => ErrorCode::VERSION_NOT_FOUND,
            E::DocumentSoftDeleted(_) => ErrorCode::SUBJECT_SOFT_DELETED,
            E::DocumentNotSoftDeleted(_) => ErrorCode::SUBJECT_NOT_SOFT_DELETED,
            E::DocumentVersionSoftDeleted(..) => ErrorCode::VERSION_SOFT_DELETED,
            E::DocumentVersionNotSoftDeleted(..) => ErrorCode::VERSION_NOT_SOFT_DELETED,
            E::InvalidDocument {
                message,
                diagnostics,
            } => {
                return ApiError {
                    report: Some((diagnostics.clone(), Vec::new())),
                    ..ApiError::new(ErrorCode::INVALID_SCHEMA, message.clone())
                };
            }
            E::BreakingChange { message, changes } => {
                return ApiError {
                    report: Some((Vec::new(), changes.clone())),
                    ..ApiError::new(ErrorCode::INCOMPATIBLE_SCHEMA, message.clone())
                };
            }
            E::Store(crate::store::StoreError::Conflict) => {
                return ApiError::internal(
                    ErrorCode::OPERATION_TIMEOUT,
                    "Register operation timed out",
                    error.to_string(),
                );
            }
            E::Store(inner) => {
                return ApiError::internal(
                    ErrorCode::STORE_ERROR,
                    "Error while accessing the backend store",
                    format!("{inner}"),
                );
            }
            E::Internal(detail) => {
                return ApiError::internal(
                    ErrorCode::INTERNAL,
                    "Internal Server Error",
                    detail.clone(),
                );
            }
        };
        ApiError::new(code, error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.report {
            Some((diagnostics, changes)) => {
                let body = AsyncApiErrorBody {
                    error_code: self.code.0,
                    message: self.message,
                    diagnostics,
                    changes,
                };
                (status, Json(body)).into_response()
            }
            None => {
                let body = ErrorBody {
                    error_code: self.code.0,
                    message: self.message,
                };
                (status, Json(body)).into_response()
            }
        };
        if let Some(detail) = self.detail {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}

/// Logs the detail of every 5xx once, inside the request's trace span.
pub(crate) async fn log_internal_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::error!(%method, %path, status = response.status().as_u16(), error = %detail, "request failed");
    }
    response
}

impl ApiError {
    /// The response for a request whose handler panicked (a bug; the process stays up).
    pub(crate) fn into_response_for_panic(self) -> Response {
        tracing::error!("a request handler panicked");
        self.into_response()
    }
}
