//! The one error type of `compat`: input that could not be understood.

use crate::SchemaType;

/// Why a schema could not be parsed or resolved. Incompatibility is never an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The schema text is not a valid schema; the message is the parser's reason.
    #[error("{0}")]
    Invalid(String),
    /// The schema document nests deeper than the configured limit.
    #[error("schema nesting depth exceeds the limit of {limit}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// This build does not handle this schema type yet.
    #[error("schema type {0} is not supported")]
    UnsupportedType(SchemaType),
}
