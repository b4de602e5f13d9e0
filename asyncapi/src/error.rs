//! The one error type of `asyncapi`: text that is not a document at all.
//!
//! Everything else (a document that breaks the specification, a `$ref` that does not resolve,
//! a payload that does not parse) is a [`crate::Diagnostic`], not an error.

/// Why a text could not be read as a document tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is larger than the configured size limit; nothing was parsed.
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The text's size in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The document nests deeper than the configured limit.
    #[error("document nesting exceeds the depth limit of {limit} at line {line}, column {column}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
        /// Line (1-based, 0 when unknown).
        line: u32,
        /// Column (1-based, 0 when unknown).
        column: u32,
    },
    /// YAML aliases would expand beyond the configured budget (an alias bomb).
    #[error("yaml aliases expand beyond the budget of {limit} at line {line}, column {column}")]
    AliasBudget {
        /// The configured limit on alias expansions.
        limit: usize,
        /// Line (1-based, 0 when unknown).
        line: u32,
        /// Column (1-based, 0 when unknown).
        column: u32,
    },
    /// Another parsing budget (node count, event count) was exhausted.
    #[error("document exceeds a parsing budget: {message}")]
    Budget {
        /// The parser's description of the budget.
        message: String,
        /// Line (1-based, 0 when unknown).
        line: u32,
        /// Column (1-based, 0 when unknown).
        column: u32,
    },
    /// A mapping has the same key twice.
    #[error("duplicate key at line {line}, column {column}: {message}")]
    DuplicateKey {
        /// The parser's description.
        message: String,
        /// Line (1-based, 0 when unknown).
        line: u32,
        /// Column (1-based, 0 when unknown).
        column: u32,
    },
    /// The text is not well-formed YAML or JSON.
    #[error("invalid yaml or json at line {line}, column {column}: {message}")]
    Syntax {
        /// The parser's description.
        message: String,
        /// Line (1-based, 0 when unknown).
        line: u32,
        /// Column (1-based, 0 when unknown).
        column: u32,
    },
    /// The text parses, but its root is not a mapping.
    #[error("document root is not a mapping")]
    NotAMapping,
}

impl ParseError {
    /// The stable rule id a [`crate::Diagnostic`] for this error carries.
    pub fn rule(&self) -> &'static str {
        use crate::rules;
        match self {
            ParseError::TooLarge { .. } => rules::DOCUMENT_TOO_LARGE,
            ParseError::TooDeep { .. } => rules::DOCUMENT_TOO_DEEP,
            ParseError::AliasBudget { .. } => rules::YAML_ALIAS_BUDGET,
            ParseError::Budget { .. } => rules::DOCUMENT_BUDGET,
            ParseError::DuplicateKey { .. } => rules::DUPLICATE_KEY,
            ParseError::Syntax { .. } => rules::SYNTAX,
            ParseError::NotAMapping => rules::NOT_A_DOCUMENT,
        }
    }

    /// The line and column the error points at, where known.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            ParseError::TooDeep { line, column, .. }
            | ParseError::AliasBudget { line, column, .. }
            | ParseError::Budget { line, column, .. }
            | ParseError::DuplicateKey { line, column, .. }
            | ParseError::Syntax { line, column, .. } => (*line > 0).then_some((*line, *column)),
            ParseError::TooLarge { .. } | ParseError::NotAMapping => None,
        }
    }
}
