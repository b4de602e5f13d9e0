//! `accord-compat`: everything Accord decides about a schema, as pure functions.
//!
//! Parsing (with Confluent's validation), the canonical text Confluent returns, the normalized
//! text, the identity hash and GUID, and the reader/writer compatibility check for all seven
//! levels. References arrive as data ([`Reference`]); nothing here does IO, async, clocks or
//! network. Incompatibility is a value ([`CompatReport`]); `Err` means the input could not be
//! understood.
#![warn(missing_docs)]

mod avro;
mod error;
mod identity;
mod json;
mod level;
mod protobuf;
mod report;

pub use error::SchemaError;
pub use identity::{Guid, IdentityInput, ReferenceKey, identity_hash};
pub use level::{CompatibilityLevel, SchemaType};
pub use report::{CompatReport, Incompatibility, Violation};

/// A schema that another schema references, already fetched by the caller.
///
/// `name` is the reference name from the request (for Avro the full name of the referenced
/// named type). Callers pass references in dependency order: a reference's own references
/// come before it in the slice.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The reference name (`name` field of a Confluent `SchemaReference`).
    pub name: String,
    /// The referenced schema's text, as stored.
    pub text: String,
}

/// Options for [`parse`]; deliberately no `Default`: callers state their limits.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Apply Confluent's new-schema validation (defaults checked against their types, strict
    /// names). Lookups and IMPORT-mode registrations parse leniently.
    pub validate: bool,
    /// Maximum nesting depth of the schema document; deeper input is rejected with
    /// [`SchemaError::TooDeep`].
    pub max_depth: usize,
}

/// A parsed, validated schema with its canonical text.
#[derive(Debug, Clone)]
pub struct ParsedSchema {
    canonical: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Avro(avro::AvroSchema),
    Json(json::JsonSchema),
    Protobuf(protobuf::ProtobufSchema),
}

/// Options for [`check`]; deliberately no `Default`: callers state the policy.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Confluent's `compatibilityPolicy` for JSON Schema.
    pub policy: CompatibilityPolicy,
}

/// How strictly JSON Schema changes are judged (Confluent's `compatibilityPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatibilityPolicy {
    /// Confluent's default rules.
    Strict,
    /// Confluent's relaxed rules for open content models.
    Lenient,
}

impl ParsedSchema {
    /// The schema's format.
    pub fn schema_type(&self) -> SchemaType {
        match self.kind {
            Kind::Avro(_) => SchemaType::Avro,
            Kind::Json(_) => SchemaType::Json,
            Kind::Protobuf(_) => SchemaType::Protobuf,
        }
    }

    /// The canonical text: what Confluent stores and returns as `schema`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Protobuf only: the schema as a base64 `FileDescriptorProto` (`format=serialized`).
    pub fn serialized(&self) -> Option<String> {
        match &self.kind {
            Kind::Protobuf(s) => Some(s.serialized()),
            _ => None,
        }
    }

    /// Protobuf only: the text without extension declarations (`format=ignore_extensions`).
    pub fn ignoring_extensions(&self) -> Option<String> {
        match &self.kind {
            Kind::Protobuf(s) => Some(s.ignoring_extensions()),
            _ => None,
        }
    }

    /// Protobuf only: the full name of the message at a wire-format message-index path
    /// (an empty path means `[0]`).
    pub fn message_full_name(&self, indexes: &[usize]) -> Option<String> {
        match &self.kind {
            Kind::Protobuf(s) => protobuf::message_full_name(s, indexes),
            _ => None,
        }
    }

    /// Protobuf only: the message-index path of a message given by full name.
    pub fn message_index_path(&self, full_name: &str) -> Option<Vec<usize>> {
        match &self.kind {
            Kind::Protobuf(s) => protobuf::message_index_path(s, full_name),
            _ => None,
        }
    }

    /// The normalized text (`normalize=true`).
    pub fn normalized(&self) -> String {
        match &self.kind {
            Kind::Avro(s) => s.normalized(),
            Kind::Json(s) => s.normalized(),
            Kind::Protobuf(s) => s.normalized(),
        }
    }
}

/// Parses `text` as a schema of `schema_type`, resolving named types from `references`.
pub fn parse(
    schema_type: SchemaType,
    text: &str,
    references: &[Reference],
    options: &ParseOptions,
) -> Result<ParsedSchema, SchemaError> {
    let kind = match schema_type {
        SchemaType::Avro => Kind::Avro(avro::AvroSchema::parse(text, references, options)?),
        SchemaType::Json => Kind::Json(json::JsonSchema::parse(text, references, options)?),
        SchemaType::Protobuf => {
            Kind::Protobuf(protobuf::ProtobufSchema::parse(text, references, options)?)
        }
    };
    let canonical = match &kind {
        Kind::Avro(s) => s.canonical(),
        Kind::Json(s) => s.canonical(),
        Kind::Protobuf(s) => s.canonical(),
    };
    Ok(ParsedSchema { canonical, kind })
}

/// Converts a base64 `FileDescriptorProto` into `.proto` text.
pub fn protobuf_descriptor_to_text(base64: &str) -> Result<String, SchemaError> {
    protobuf::descriptor_to_text(base64)
}

/// Checks `new` against the registered history `previous_oldest_first` under `level`.
///
/// Non-transitive levels look at the last element only; transitive levels look at every
/// element, newest first, and stop at the first incompatible version, as Confluent does.
pub fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous_oldest_first: &[&ParsedSchema],
    options: &CheckOptions,
) -> CompatReport {
    let candidates: Vec<(usize, &ParsedSchema)> = if level.is_transitive() {
        previous_oldest_first
            .iter()
            .copied()
            .enumerate()
            .rev()
            .collect()
    } else {
        previous_oldest_first
            .iter()
            .copied()
            .enumerate()
            .next_back()
            .into_iter()
            .collect()
    };
    let mut report = CompatReport::default();
    if level == CompatibilityLevel::None {
        return report;
    }
    for (index, previous) in candidates {
        let violations = check_pair(level, new, previous, options);
        if !violations.is_empty() {
            let same_type = new.schema_type() == previous.schema_type();
            let backward_failed = match level {
                CompatibilityLevel::Full | CompatibilityLevel::FullTransitive => {
                    !check_pair(CompatibilityLevel::Backward, new, previous, options).is_empty()
                }
                _ => true,
            };
            report.incompatibilities.push(Incompatibility {
                previous_index: index,
                violations,
                cites_previous: same_type && backward_failed,
            });
            break;
        }
    }
    report
}

/// Runs a format's one-direction check `direction(reader, writer, reader_label,
/// writer_label)` in the direction(s) `level` asks for, in Confluent's order: forward (old
/// reads new) first, then backward (new reads old).
pub(crate) fn in_directions<T>(
    level: CompatibilityLevel,
    new: &T,
    previous: &T,
    mut direction: impl FnMut(&T, &T, &str, &str) -> Vec<Violation>,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    if level.checks_forward() {
        violations.extend(direction(previous, new, "old", "new"));
    }
    if level.checks_backward() {
        violations.extend(direction(new, previous, "new", "old"));
    }
    violations
}

/// Checks one pair in the direction(s) `level` asks for.
fn check_pair(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &ParsedSchema,
    options: &CheckOptions,
) -> Vec<Violation> {
    if new.schema_type() != previous.schema_type() {
        return vec![Violation {
            rule: "TYPE_MISMATCH".to_owned(),
            path: "/".to_owned(),
            message: "Incompatible because of different schema type".to_owned(),
        }];
    }
    match (&new.kind, &previous.kind) {
        (Kind::Avro(new), Kind::Avro(previous)) => avro::check(level, new, previous),
        (Kind::Json(new), Kind::Json(previous)) => json::check(level, new, previous, options),
        (Kind::Protobuf(new), Kind::Protobuf(previous)) => {
            protobuf::check(level, new, previous, options)
        }
        // Different formats were answered above.
        _ => Vec::new(),
    }
}
