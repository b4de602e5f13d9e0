//! The registry's failure modes, named by what went wrong for the caller, not by dependency.
//!
//! `server/src/error.rs` maps each variant to an HTTP status and Confluent `error_code`,
//! exactly once. Messages follow Confluent's wording where clients or operators rely on it.

use crate::store::StoreError;

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The subject has no (visible) versions.
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    /// The version does not exist (or is soft-deleted).
    #[error("Version {0} not found.")]
    VersionNotFound(i32),
    /// No schema matches.
    #[error("{}", match .0 { Some(id) => format!("Schema {id} not found"), None => "Schema not found".to_owned() })]
    SchemaNotFound(Option<String>),
    /// A non-permanent delete of an already soft-deleted subject.
    #[error("Subject '{0}' was soft deleted.Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    /// A permanent delete of a subject with live versions.
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    /// A non-permanent delete of an already soft-deleted version.
    #[error("Subject '{0}' Version {1} was soft deleted.Set permanent=true to delete permanently")]
    VersionSoftDeleted(String, i32),
    /// A permanent delete of a live version.
    #[error("Subject '{0}' Version {1} was not deleted first before being permanently deleted")]
    VersionNotSoftDeleted(String, i32),
    /// No subject-level compatibility configured.
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectConfigNotFound(String),
    /// No subject-level mode configured.
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotFound(String),
    /// The schema is incompatible; the message lists every violation.
    #[error("{0}")]
    Incompatible(String),
    /// The schema (or its references) could not be understood.
    #[error("{0}")]
    InvalidSchema(String),
    /// A `{version}` path parameter that is not a version.
    #[error(
        "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
    )]
    InvalidVersion(String),
    /// An unknown compatibility level.
    #[error(
        "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
    )]
    InvalidCompatibilityLevel,
    /// An unknown mode.
    #[error("{0}")]
    InvalidMode(String),
    /// The operation is not allowed in the current mode or state.
    #[error("{0}")]
    NotPermitted(String),
    /// Deletion refused because other schemas reference this one.
    #[error("{0}")]
    ReferenceExists(String),
    /// An invalid subject name.
    #[error("The specified subject '{0}' is not a valid.")]
    InvalidSubject(String),
    /// An invalid rule set.
    #[error("{0}")]
    InvalidRuleSet(String),
    /// A context that still holds versions.
    #[error("The specified context '{0}' is not empty.")]
    ContextNotEmpty(String),
    /// A malformed request.
    #[error("{0}")]
    BadRequest(String),
    /// A request that is well-formed JSON but misses a required part.
    #[error("{0}")]
    Unprocessable(String),
    /// No AsyncAPI document of this name (or none live).
    #[error("Document '{0}' not found.")]
    DocumentNotFound(String),
    /// No settings of their own for this document name (or, with `None`, no registry-wide ones).
    #[error("{} has no settings of its own", .0.as_deref().map_or("The registry".to_owned(), |n| format!("Document '{n}'")))]
    DocumentConfigNotFound(Option<String>),
    /// The document has no such (visible) version.
    #[error("Document '{0}' version {1} not found.")]
    DocumentVersionNotFound(String, i32),
    /// A non-permanent delete of an already soft-deleted document.
    #[error("Document '{0}' was soft deleted. Set permanent=true to delete permanently")]
    DocumentSoftDeleted(String),
    /// A permanent delete of a document with live versions.
    #[error("Document '{0}' was not deleted first before being permanently deleted")]
    DocumentNotSoftDeleted(String),
    /// A non-permanent delete of an already soft-deleted document version.
    #[error(
        "Document '{0}' version {1} was soft deleted. Set permanent=true to delete permanently"
    )]
    DocumentVersionSoftDeleted(String, i32),
    /// A permanent delete of a live document version.
    #[error("Document '{0}' version {1} was not deleted first before being permanently deleted")]
    DocumentVersionNotSoftDeleted(String, i32),
    /// An AsyncAPI document that does not parse, breaks the specification, fails a governance
    /// rule of error severity, or links to schemas the registry does not have.
    #[error("{message}")]
    InvalidDocument {
        /// Summary naming the first errors.
        message: String,
        /// Every finding.
        diagnostics: Vec<accord_types::AsyncApiDiagnostic>,
    },
    /// A new document version with changes that break consumers, under the document's level.
    #[error("{message}")]
    BreakingChange {
        /// Summary naming every breaking change.
        message: String,
        /// The breaking changes.
        changes: Vec<accord_types::AsyncApiChange>,
    },
    /// The store failed.
    #[error("store error")]
    Store(#[from] StoreError),
    /// A blocking task failed (panicked or was cancelled).
    #[error("internal error")]
    Internal(String),
}
