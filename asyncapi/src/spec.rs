//! Structural validation against the specification's own JSON Schemas (vendored from
//! `@asyncapi/specs`, see `specs/README.md`).
//!
//! The schemas are self-contained (every `$ref` points at a definition bundled in the same
//! file, including JSON Schema draft-07), and `jsonschema` is built without its HTTP and file
//! resolvers, so nothing is fetched. Each version's validator is compiled once per process
//! and kept: compiling the 3.x schema costs far more than validating a document.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, rules};
use crate::model::SpecVersion;

const SCHEMAS: [(u8, u8, &str); 9] = [
    (2, 0, include_str!("../specs/2.0.0.json")),
    (2, 1, include_str!("../specs/2.1.0.json")),
    (2, 2, include_str!("../specs/2.2.0.json")),
    (2, 3, include_str!("../specs/2.3.0.json")),
    (2, 4, include_str!("../specs/2.4.0.json")),
    (2, 5, include_str!("../specs/2.5.0.json")),
    (2, 6, include_str!("../specs/2.6.0.json")),
    (3, 0, include_str!("../specs/3.0.0.json")),
    (3, 1, include_str!("../specs/3.1.0.json")),
];

static VALIDATORS: [OnceLock<Option<Validator>>; 9] = [const { OnceLock::new() }; 9];

/// Longest message kept from the validator; its messages quote the offending value.
const MAX_MESSAGE: usize = 300;

fn validator(version: SpecVersion) -> Option<&'static Validator> {
    let index = SCHEMAS
        .iter()
        .position(|(major, minor, _)| *major == version.major && *minor == version.minor)?;
    let slot = VALIDATORS.get(index)?;
    slot.get_or_init(|| {
        let (_, _, text) = SCHEMAS.get(index)?;
        let mut schema: Value = serde_json::from_str(text).ok()?;
        if version.major == 3 {
            accept_resolved_references(&mut schema, version);
        }
        jsonschema::draft7::options()
            .should_validate_formats(false)
            .build(&schema)
            .ok()
    })
    .as_ref()
}

/// 3.x requires `channel`, `messages` and channel `servers` to be Reference objects, but the
/// document validated here is resolved: there they are the channel, message and server
/// objects themselves, so the schema is pointed at those definitions instead (as the official
/// parser does for its resolved-document check).
fn accept_resolved_references(schema: &mut Value, version: SpecVersion) {
    let base = format!("http://asyncapi.com/definitions/{version}/");
    let Some(definitions) = schema.get_mut("definitions") else {
        return;
    };
    let edits = [
        ("channel.json", "/properties/servers/items", "server.json"),
        ("operation.json", "/properties/channel", "channel.json"),
        (
            "operation.json",
            "/properties/messages/items",
            "messageObject.json",
        ),
        ("operationReply.json", "/properties/channel", "channel.json"),
        (
            "operationReply.json",
            "/properties/messages/items",
            "messageObject.json",
        ),
    ];
    for (definition, path, target) in edits {
        let slot = definitions
            .get_mut(format!("{base}{definition}"))
            .and_then(|d| d.pointer_mut(path))
            .and_then(Value::as_object_mut);
        if let Some(slot) = slot {
            slot.insert("$ref".to_string(), Value::String(format!("{base}{target}")));
        }
    }
}

/// Validates the resolved document against its version's schema.
pub(crate) fn validate(version: SpecVersion, resolved: &Value) -> Vec<Diagnostic> {
    let Some(validator) = validator(version) else {
        return vec![Diagnostic::error(
            rules::DOCUMENT_RESOLVED,
            "",
            format!("no specification schema is available for asyncapi {version}"),
        )];
    };
    validator
        .iter_errors(resolved)
        .map(|e| {
            Diagnostic::error(
                rules::DOCUMENT_RESOLVED,
                e.instance_path().as_str(),
                shorten(&e.to_string()),
            )
        })
        .collect()
}

/// Truncates at a character boundary and lowercases the first letter.
pub(crate) fn shorten(message: &str) -> String {
    let mut out: String = message.chars().take(MAX_MESSAGE).collect();
    if out.len() < message.len() {
        out.push('…');
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_schema_compiles() {
        for (major, minor, _) in SCHEMAS {
            let v = SpecVersion {
                major,
                minor,
                patch: 0,
            };
            assert!(validator(v).is_some(), "schema {v} does not compile");
        }
    }
}
