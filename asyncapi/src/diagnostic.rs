//! Diagnostics: what validation says about a document, each with a stable rule id.

use std::fmt;

/// How much a diagnostic matters. An `Error` makes the document invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is invalid.
    Error,
    /// Likely a mistake, but the document is valid.
    Warning,
    /// For information only.
    Info,
}

impl Severity {
    /// Lowercase spelling (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule id (see [`crate::rules`]); where the official parser has a rule for the same
    /// finding, its code.
    pub rule: &'static str,
    /// Error, warning or info.
    pub severity: Severity,
    /// Lowercase, human-readable, no trailing punctuation.
    pub message: String,
    /// JSON pointer (RFC 6901) into the resolved document; `""` is the root.
    pub pointer: String,
    /// 1-based line in the document's text, where known.
    pub line: Option<u32>,
    /// 1-based column in the document's text, where known.
    pub column: Option<u32>,
}

impl Diagnostic {
    pub(crate) fn error(
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(rule, Severity::Error, pointer, message)
    }

    pub(crate) fn new(
        rule: &'static str,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{l}:{c}: ")?,
            (Some(l), None) => write!(f, "{l}: ")?,
            _ => {}
        }
        write!(f, "{} [{}] {}", self.severity, self.rule, self.message)?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

/// The stable rule ids. Ids shared with the official JavaScript parser keep its spelling.
pub mod rules {
    /// The text is larger than the size limit.
    pub const DOCUMENT_TOO_LARGE: &str = "document-too-large";
    /// The text nests deeper than the depth limit.
    pub const DOCUMENT_TOO_DEEP: &str = "document-too-deep";
    /// YAML aliases expand beyond the alias budget (alias bomb).
    pub const YAML_ALIAS_BUDGET: &str = "yaml-alias-budget";
    /// Another parsing budget was exhausted.
    pub const DOCUMENT_BUDGET: &str = "document-budget";
    /// A mapping repeats a key.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// The text is not YAML or JSON.
    pub const SYNTAX: &str = "syntax";
    /// The root is not a mapping.
    pub const NOT_A_DOCUMENT: &str = "not-a-document";
    /// The `asyncapi` field is missing or names an unsupported version.
    pub const IS_ASYNCAPI: &str = "asyncapi-is-asyncapi";
    /// The resolved document does not match the specification's JSON Schema.
    pub const DOCUMENT_RESOLVED: &str = "asyncapi-document-resolved";
    /// A `$ref` does not resolve.
    pub const INVALID_REF: &str = "invalid-ref";
    /// A `$ref` to `http(s)://`, `file://` or another scheme: never fetched.
    pub const EXTERNAL_REF_NOT_FETCHED: &str = "external-ref-not-fetched";
    /// `$ref` resolution stopped at its budget (too many or too deep expansions).
    pub const REF_BUDGET: &str = "ref-budget-exceeded";
    /// A registry link names a subject version the caller does not know.
    pub const SCHEMA_LINK_UNRESOLVED: &str = "schema-link-unresolved";
    /// A payload schema does not parse in its declared format (2.x code).
    pub const SCHEMAS_V2: &str = "asyncapi2-schemas";
    /// A payload schema does not parse in its declared format (3.x).
    pub const SCHEMAS_V3: &str = "asyncapi3-schemas";
    /// A payload's `schemaFormat` is not one Accord can check.
    pub const UNKNOWN_SCHEMA_FORMAT: &str = "unknown-schema-format";
    /// Channel address parameters differ from the declared parameters (2.x).
    pub const CHANNEL_PARAMETERS_V2: &str = "asyncapi2-channel-parameters";
    /// Channel address parameters differ from the declared parameters (3.x).
    pub const CHANNEL_PARAMETERS_V3: &str = "asyncapi3-channel-parameters";
    /// A channel name has a query or a fragment (2.x).
    pub const CHANNEL_NO_QUERY_NOR_FRAGMENT: &str = "asyncapi2-channel-no-query-nor-fragment";
    /// A channel lists a server that is not declared (2.x).
    pub const CHANNEL_SERVERS_V2: &str = "asyncapi2-channel-servers";
    /// A channel lists a server that is not a declared server (3.x).
    pub const CHANNEL_SERVERS_V3: &str = "asyncapi3-channel-servers";
    /// Two operations share an `operationId` (2.x).
    pub const OPERATION_ID_UNIQUENESS: &str = "asyncapi2-operation-operationId-uniqueness";
    /// Two messages share a `messageId` (2.x).
    pub const MESSAGE_ID_UNIQUENESS: &str = "asyncapi2-message-messageId-uniqueness";
    /// A tag name appears twice in one list (2.x).
    pub const TAGS_UNIQUENESS_V2: &str = "asyncapi2-tags-uniqueness";
    /// A tag name appears twice in one list (3.x).
    pub const TAGS_UNIQUENESS_V3: &str = "asyncapi3-tags-uniqueness";
    /// A message example does not match its payload or headers (2.x).
    pub const MESSAGE_EXAMPLES_V2: &str = "asyncapi2-message-examples";
    /// A message example does not match its payload or headers (3.x).
    pub const MESSAGE_EXAMPLES_V3: &str = "asyncapi3-message-examples";
    /// A server URL variable is not declared, or a declared one is unused (2.x).
    pub const SERVER_VARIABLES_V2: &str = "asyncapi2-server-variables";
    /// A server host/pathname variable is not declared, or a declared one is unused (3.x).
    pub const SERVER_VARIABLES_V3: &str = "asyncapi3-server-variables";
    /// A server security requirement names an undeclared scheme or bad scopes (2.x).
    pub const SERVER_SECURITY_V2: &str = "asyncapi2-server-security";
    /// An operation security requirement names an undeclared scheme or bad scopes (2.x).
    pub const OPERATION_SECURITY_V2: &str = "asyncapi2-operation-security";
    /// An operation lists a message its channel does not carry (3.x).
    pub const OPERATION_MESSAGES_FROM_CHANNEL: &str =
        "asyncapi3-operation-messages-from-referred-channel";
    /// An operation's `channel` is not a reference to a channel of `channels` (3.x).
    pub const OPERATION_CHANNEL: &str = "asyncapi3-required-operation-channel-unambiguity";
}
