//! The Confluent `error_code` table: one constant per failure mode, with its HTTP status.

/// A Confluent `error_code` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// Malformed or mis-shaped request body.
    pub const BAD_REQUEST: ErrorCode = ErrorCode(400);
    /// Body too large (Accord's limit; Confluent has no equivalent).
    pub const PAYLOAD_TOO_LARGE: ErrorCode = ErrorCode(413);
    /// Unknown route.
    pub const NOT_FOUND: ErrorCode = ErrorCode(404);
    /// Known route, wrong method.
    pub const METHOD_NOT_ALLOWED: ErrorCode = ErrorCode(405);
    /// Unsupported request content type.
    pub const UNSUPPORTED_MEDIA_TYPE: ErrorCode = ErrorCode(415);
    /// Subject not found.
    pub const SUBJECT_NOT_FOUND: ErrorCode = ErrorCode(40401);
    /// Version not found.
    pub const VERSION_NOT_FOUND: ErrorCode = ErrorCode(40402);
    /// Schema not found.
    pub const SCHEMA_NOT_FOUND: ErrorCode = ErrorCode(40403);
    /// Subject already soft-deleted.
    pub const SUBJECT_SOFT_DELETED: ErrorCode = ErrorCode(40404);
    /// Subject must be soft-deleted before a permanent delete.
    pub const SUBJECT_NOT_SOFT_DELETED: ErrorCode = ErrorCode(40405);
    /// Version already soft-deleted.
    pub const VERSION_SOFT_DELETED: ErrorCode = ErrorCode(40406);
    /// Version must be soft-deleted before a permanent delete.
    pub const VERSION_NOT_SOFT_DELETED: ErrorCode = ErrorCode(40407);
    /// No subject-level compatibility configured.
    pub const SUBJECT_CONFIG_NOT_FOUND: ErrorCode = ErrorCode(40408);
    /// No subject-level mode configured.
    pub const SUBJECT_MODE_NOT_FOUND: ErrorCode = ErrorCode(40409);
    /// Incompatible schema (Confluent up to 8.0.3 uses the bare HTTP status).
    pub const INCOMPATIBLE_SCHEMA: ErrorCode = ErrorCode(409);
    /// Generic constraint violation (missing request body).
    pub const UNPROCESSABLE: ErrorCode = ErrorCode(422);
    /// Invalid schema.
    pub const INVALID_SCHEMA: ErrorCode = ErrorCode(42201);
    /// Invalid version id.
    pub const INVALID_VERSION: ErrorCode = ErrorCode(42202);
    /// Invalid compatibility level.
    pub const INVALID_COMPATIBILITY_LEVEL: ErrorCode = ErrorCode(42203);
    /// Invalid mode.
    pub const INVALID_MODE: ErrorCode = ErrorCode(42204);
    /// Operation not permitted (mode checks, id overwrite).
    pub const OPERATION_NOT_PERMITTED: ErrorCode = ErrorCode(42205);
    /// Deletion refused: other schemas reference this one.
    pub const REFERENCE_EXISTS: ErrorCode = ErrorCode(42206);
    /// Invalid subject name.
    pub const INVALID_SUBJECT: ErrorCode = ErrorCode(42208);
    /// Invalid rule set.
    pub const INVALID_RULE_SET: ErrorCode = ErrorCode(42210);
    /// Context still holds versions.
    pub const CONTEXT_NOT_EMPTY: ErrorCode = ErrorCode(42211);
    /// Backend store failure.
    pub const STORE_ERROR: ErrorCode = ErrorCode(50001);
    /// Backend operation timed out.
    pub const OPERATION_TIMEOUT: ErrorCode = ErrorCode(50002);
    /// Generic internal error.
    pub const INTERNAL: ErrorCode = ErrorCode(500);

    /// The HTTP status this code travels with.
    pub fn http_status(self) -> u16 {
        match self.0 {
            code @ 100..=599 => code as u16,
            code => (code / 100) as u16,
        }
    }
}
