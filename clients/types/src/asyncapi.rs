//! Request and response bodies of Accord's AsyncAPI endpoints (`/accord/v1/asyncapi/…` and
//! `/accord/v1/subjects/{s}/usages`), camelCase like the rest of Accord's own API.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One finding about a document: a validation diagnostic or a governance (lint) finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncApiDiagnostic {
    /// Stable rule id, such as `asyncapi3-operation-messages-from-referred-channel` or `info-contact`.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Human-readable reason.
    pub message: String,
    /// JSON pointer into the resolved document (`""` is the root).
    pub pointer: String,
    /// 1-based line in the posted text, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in the posted text, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// One change between two versions of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncApiChange {
    /// Stable kind, such as `channel-removed` or `payload-field-removed`.
    pub kind: String,
    /// `breaking`, `non-breaking` or `unclassified`, from the consumers' point of view.
    pub classification: String,
    /// JSON pointer into the new document (the old one for removals).
    pub pointer: String,
    /// Human-readable description naming what changed and where.
    pub message: String,
}

/// The answer to `POST /accord/v1/asyncapi/{name}/versions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncApiRegistered {
    /// The document name.
    pub name: String,
    /// The version stored (or the existing version, when the content was already the latest).
    pub version: i32,
    /// Non-error findings of validation and governance rules.
    #[serde(default)]
    pub warnings: Vec<AsyncApiDiagnostic>,
    /// Every change against the previous live version.
    #[serde(default)]
    pub changes: Vec<AsyncApiChange>,
}

/// The error body of a rejected document: Confluent's `error_code` and `message`, plus the
/// findings (422) or the breaking changes (409) that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncApiErrorBody {
    /// `42201` (invalid document) or `409` (breaking change).
    pub error_code: u32,
    /// Human-readable reason.
    pub message: String,
    /// The error-severity findings (and any warnings) of an invalid document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<AsyncApiDiagnostic>,
    /// The breaking changes of a rejected version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<AsyncApiChange>,
}

/// The settings of a document name (`GET`/`PUT /accord/v1/asyncapi/{name}/config`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncApiConfig {
    /// The compatibility level new versions are checked under (`BACKWARD` by default, `NONE`
    /// disables the check); `compatibilityLevel` is accepted too.
    #[serde(
        default,
        alias = "compatibilityLevel",
        skip_serializing_if = "Option::is_none"
    )]
    pub compatibility: Option<String>,
    /// Governance rule settings, as `accord asyncapi lint --rules` takes them; absent: the
    /// recommended rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint_rules: Option<Value>,
}

/// A document version that links a subject (`GET /accord/v1/subjects/{s}/usages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectUsage {
    /// The document name.
    pub document: String,
    /// The document version.
    pub version: i32,
    /// The subject version linked; absent for `latest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_version: Option<i32>,
    /// The message (its id within the document) whose payload or headers link the subject.
    pub message: String,
    /// The channel carrying the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The operation sending or receiving it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// `send` or `receive`, from the point of view of the application the document describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}
