//! Confluent's Java library on the shared corpus: every JSON schema's canonical and normalized
//! text or rejection, every JSON pair's BACKWARD and FORWARD messages, every chain with a JSON
//! version at all levels.

use accord_compat::{CompatibilityLevel, ParsedSchema, Reference, SchemaError, SchemaType};

use crate::common::{
    Outcomes, avro, confluent_messages, options, references, same, shared_json, strings,
};

const CORPUS: &str = "conformance/library/corpus.json";
const GOLDEN: &str = "conformance/library/golden.json";

fn json(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(SchemaType::Json, text, references, &options(true))
}

/// Pairs whose result differs from Confluent's, and why.
const PAIR_DIFFERENCES: &[(&str, &str)] = &[(
    "json-exclusiveMaximum-10-5",
    "Confluent's NumberSchemaDiff compares a decreased exclusiveMaximum with the update's \
     `maximum` and throws a NullPointerException when it is absent; Accord reports \
     EXCLUSIVE_MAXIMUM_DECREASED instead",
)];

/// Chains whose result differs from Confluent's, and why.
const CHAIN_DIFFERENCES: &[(&str, &str)] = &[(
    "json-open-add-property",
    "recorded with a Confluent release that still emitted the deprecated \
     PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL; current Confluent (and its own diff examples, which \
     Accord follows) reports OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
)];

#[test]
fn json_schemas_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library json schemas (canonical, normalized, errors)");
    for entry in corpus["schemas"].as_array().into_iter().flatten() {
        if entry["type"] != "JSON" {
            continue;
        }
        let id = entry["id"].as_str().unwrap_or_default();
        let text = entry["schema"].as_str().unwrap_or_default();
        let expected = &golden["schemas"][id];
        let result = json(text, &references(entry.get("refs")));
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
            // Accord's message starts with Confluent's and then names what failed.
            (Err(error), _) => {
                let message = error.to_string();
                let confluent = expected["error"].as_str().unwrap_or_default();
                if message.starts_with(confluent) {
                    Ok(())
                } else {
                    Err(format!(
                        "error {message:?} does not start with {confluent:?}"
                    ))
                }
            }
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(&[]);
}

#[test]
fn json_pairs_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library json compat pairs (BACKWARD and FORWARD)");
    for pair in corpus["compat"].as_array().into_iter().flatten() {
        if pair["type"] != "JSON" {
            continue;
        }
        let id = pair["id"].as_str().unwrap_or_default();
        let old = json(
            pair["old"].as_str().unwrap_or_default(),
            &references(pair.get("old_refs")),
        );
        let new = json(
            pair["new"].as_str().unwrap_or_default(),
            &references(pair.get("new_refs")),
        );
        let outcome = match (old, new) {
            (Ok(old), Ok(new)) => [
                (CompatibilityLevel::Backward, "BACKWARD"),
                (CompatibilityLevel::Forward, "FORWARD"),
            ]
            .into_iter()
            .try_for_each(|(level, key)| {
                same(
                    key,
                    &confluent_messages(level, &new, &[&old], false),
                    &strings(&golden["compat"][id][key]),
                )
            }),
            (old, new) => Err(format!(
                "parse failed: old {:?}, new {:?}",
                old.err(),
                new.err()
            )),
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(PAIR_DIFFERENCES);
}

#[test]
fn json_chains_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library json chains (all seven levels)");
    for chain in corpus["chains"].as_array().into_iter().flatten() {
        let types = strings(&chain["types"]);
        if !types.iter().any(|t| t == "JSON") {
            continue;
        }
        let id = chain["id"].as_str().unwrap_or_default();
        let parsed: Result<Vec<ParsedSchema>, String> = strings(&chain["versions"])
            .iter()
            .zip(&types)
            .map(|(text, ty)| match ty.as_str() {
                "AVRO" => avro(text, &[]).map_err(|e| e.to_string()),
                "JSON" => json(text, &[]).map_err(|e| e.to_string()),
                other => Err(format!("{other} versions are not covered here")),
            })
            .collect();
        let outcome = parsed.and_then(|versions| {
            let Some((new, previous)) = versions.split_last() else {
                return Err("empty chain".to_owned());
            };
            let previous: Vec<&ParsedSchema> = previous.iter().collect();
            CompatibilityLevel::ALL.into_iter().try_for_each(|level| {
                same(
                    level.as_str(),
                    &confluent_messages(level, new, &previous, true),
                    &strings(&golden["chains"][id][level.as_str()]),
                )
            })
        });
        outcomes.record(id, outcome);
    }
    outcomes.finish(CHAIN_DIFFERENCES);
}
