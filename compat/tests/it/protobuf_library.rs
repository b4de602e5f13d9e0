//! Confluent's Java library on the shared corpus: every Protobuf schema's canonical and normalized
//! text or rejection, every Protobuf pair's BACKWARD and FORWARD messages, every Protobuf chain
//! at all levels.
//!
//! Rejections are compared on the error text, which follows Square Wire's parser messages.

use accord_compat::{CompatibilityLevel, ParsedSchema, Reference, SchemaError, SchemaType};

use crate::common::{
    Outcomes, confluent_messages, options, references, same, shared_json, strings,
};

const CORPUS: &str = "conformance/library/corpus.json";
const GOLDEN: &str = "conformance/library/golden.json";

/// Schemas whose result differs from Confluent's, and why.
const SCHEMA_DIFFERENCES: &[(&str, &str)] = &[];

/// Pairs whose result differs from Confluent's, and why.
const PAIR_DIFFERENCES: &[(&str, &str)] = &[(
    "proto-into-existing-oneof",
    "FORWARD moves field 2 out of oneof k to the top level: the recorded Confluent release reports \
     ONEOF_FIELD_REMOVED, while Confluent's current MessageSchemaDiff (the one \
     peer-cases/confluent/protobuf/diff-schema-examples.json was taken from, which Accord follows) \
     reports the compatible ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
)];

/// Chains whose result differs from Confluent's, and why.
const CHAIN_DIFFERENCES: &[(&str, &str)] = &[];

pub(crate) fn protobuf(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(SchemaType::Protobuf, text, references, &options(true))
}

#[test]
fn protobuf_schemas_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library protobuf schemas (canonical, normalized, errors)");
    for entry in corpus["schemas"].as_array().into_iter().flatten() {
        if entry["type"] != "PROTOBUF" {
            continue;
        }
        let id = entry["id"].as_str().unwrap_or_default();
        let text = entry["schema"].as_str().unwrap_or_default();
        let expected = &golden["schemas"][id];
        let result = protobuf(text, &references(entry.get("refs")));
        let outcome = match (result, expected["valid"].as_bool()) {
            (Ok(schema), Some(true)) => same(
                "canonical",
                schema.canonical(),
                expected["canonical"].as_str().unwrap_or_default(),
            )
            .and_then(|()| {
                same(
                    "normalized",
                    schema.normalized().as_str(),
                    expected["normalized"].as_str().unwrap_or_default(),
                )
            }),
            (Ok(schema), _) => Err(format!("accepted, canonical {}", schema.canonical())),
            (Err(error), Some(true)) => Err(format!("rejected: {error}")),
            (Err(error), _) => same(
                "error",
                error.to_string().as_str(),
                expected["error"].as_str().unwrap_or_default(),
            ),
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(SCHEMA_DIFFERENCES);
}

#[test]
fn protobuf_pairs_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library protobuf pairs (BACKWARD, FORWARD messages)");
    for entry in corpus["compat"].as_array().into_iter().flatten() {
        if entry["type"] != "PROTOBUF" {
            continue;
        }
        let id = entry["id"].as_str().unwrap_or_default();
        let old = protobuf(
            entry["old"].as_str().unwrap_or_default(),
            &references(entry.get("old_refs")),
        );
        let new = protobuf(
            entry["new"].as_str().unwrap_or_default(),
            &references(entry.get("new_refs")),
        );
        let outcome = match (old, new) {
            (Ok(old), Ok(new)) => [
                ("BACKWARD", CompatibilityLevel::Backward),
                ("FORWARD", CompatibilityLevel::Forward),
            ]
            .into_iter()
            .try_for_each(|(name, level)| {
                same(
                    name,
                    &confluent_messages(level, &new, &[&old], false),
                    &strings(&golden["compat"][id][name]),
                )
            }),
            (Err(e), _) | (_, Err(e)) => Err(format!("rejected: {e}")),
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(PAIR_DIFFERENCES);
}

#[test]
fn protobuf_chains_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library protobuf chains (all levels)");
    for entry in corpus["chains"].as_array().into_iter().flatten() {
        let types = strings(&entry["types"]);
        if !types.iter().all(|t| t == "PROTOBUF") {
            continue;
        }
        let id = entry["id"].as_str().unwrap_or_default();
        let parsed: Result<Vec<ParsedSchema>, SchemaError> = entry["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| protobuf(v.as_str().unwrap_or_default(), &[]))
            .collect();
        let outcome = match parsed {
            Ok(mut versions) => {
                let Some(new) = versions.pop() else {
                    continue;
                };
                let previous: Vec<&ParsedSchema> = versions.iter().collect();
                golden["chains"][id]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .try_for_each(|(level, expected)| {
                        let level: CompatibilityLevel = level.parse().map_err(|_| level.clone())?;
                        same(
                            &format!("{level:?}"),
                            &confluent_messages(level, &new, &previous, true),
                            &strings(expected),
                        )
                    })
            }
            Err(e) => Err(format!("rejected: {e}")),
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(CHAIN_DIFFERENCES);
}
