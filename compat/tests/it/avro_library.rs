//! Confluent's Java library on the shared corpus: every Avro schema's canonical and normalized
//! text or error, every Avro pair's BACKWARD and FORWARD messages, every Avro chain at all levels.

use accord_compat::{CompatibilityLevel, ParsedSchema};

use crate::common::{Outcomes, avro, confluent_messages, references, same, shared_json, strings};

const CORPUS: &str = "conformance/library/corpus.json";
const GOLDEN: &str = "conformance/library/golden.json";

/// Schemas whose result differs from Confluent's, and why.
const SCHEMA_DIFFERENCES: &[(&str, &str)] = &[(
    "avro-bad-json",
    "malformed JSON: Confluent quotes Jackson's exception (class name, source excerpt, line and \
     column); Accord reports its own parser's message",
)];

/// Chains whose result differs from Confluent's, and why.
const CHAIN_DIFFERENCES: &[(&str, &str)] = &[(
    "avro-to-json",
    "the chain's last version is JSON Schema, which accord-compat does not parse yet",
)];

#[test]
fn avro_schemas_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library avro schemas (canonical, normalized, errors)");
    for entry in corpus["schemas"].as_array().into_iter().flatten() {
        if entry["type"] != "AVRO" {
            continue;
        }
        let id = entry["id"].as_str().unwrap_or_default();
        let text = entry["schema"].as_str().unwrap_or_default();
        let expected = &golden["schemas"][id];
        let result = avro(text, &references(entry.get("refs")));
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
fn avro_pairs_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library avro compat pairs (BACKWARD and FORWARD)");
    for pair in corpus["compat"].as_array().into_iter().flatten() {
        if pair["type"] != "AVRO" {
            continue;
        }
        let id = pair["id"].as_str().unwrap_or_default();
        let old = avro(
            pair["old"].as_str().unwrap_or_default(),
            &references(pair.get("old_refs")),
        );
        let new = avro(
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
    outcomes.finish(&[]);
}

#[test]
fn avro_chains_match_confluent() {
    let corpus = shared_json(CORPUS);
    let golden = shared_json(GOLDEN);
    let mut outcomes = Outcomes::new("library avro chains (all seven levels)");
    for chain in corpus["chains"].as_array().into_iter().flatten() {
        let types = strings(&chain["types"]);
        if !types.iter().any(|t| t == "AVRO") {
            continue;
        }
        let id = chain["id"].as_str().unwrap_or_default();
        let parsed: Result<Vec<ParsedSchema>, String> = strings(&chain["versions"])
            .iter()
            .zip(&types)
            .map(|(text, ty)| match ty.as_str() {
                "AVRO" => avro(text, &[]).map_err(|e| e.to_string()),
                other => Err(format!("{other} versions are not supported")),
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
