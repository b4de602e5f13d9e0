//! Facts restated from Confluent's `AvroCompatibilityTest`: one verdict per line of
//! `peer-cases/confluent/avro/confluent-avro-compat-cases.jsonl`.

use accord_compat::{CompatibilityLevel, ParsedSchema, SchemaType, check};

use crate::common::{Outcomes, avro, options, same, shared_path};

#[test]
fn avro_peer_cases_match_confluent() {
    let path = shared_path("peer-cases/confluent/avro/confluent-avro-compat-cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut outcomes = Outcomes::new("peer avro compat cases");
    for (line_no, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", line_no + 1));
        if case["parse_only"] == true {
            // A schema whose default is wrong for its type: the lenient parser (lookups, IMPORT)
            // accepts it, the validating one (new schemas) rejects it.
            let text = case["schema"].to_string();
            let lenient = accord_compat::parse(SchemaType::Avro, &text, &[], &options(false));
            let strict = accord_compat::parse(SchemaType::Avro, &text, &[], &options(true));
            let outcome = match (lenient, strict) {
                (Ok(_), Err(_)) => Ok(()),
                (lenient, strict) => Err(format!(
                    "lenient {:?}, strict {:?}",
                    lenient.err(),
                    strict.err()
                )),
            };
            outcomes.record(format!("line {} (parse only)", line_no + 1), outcome);
            continue;
        }
        let id = format!(
            "line {} ({} {})",
            line_no + 1,
            case["level"].as_str().unwrap_or_default(),
            case["note"].as_str().unwrap_or_default()
        );
        let level: CompatibilityLevel = case["level"]
            .as_str()
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("{id}: unknown level"));
        let new = avro(&case["new"].to_string(), &[]);
        let previous: Result<Vec<ParsedSchema>, _> = case["previous_oldest_first"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|schema| avro(&schema.to_string(), &[]))
            .collect();
        let outcome = match (new, previous) {
            (Ok(new), Ok(previous)) => {
                let previous: Vec<&ParsedSchema> = previous.iter().collect();
                let report = check(level, &new, &previous, &crate::common::STRICT);
                same(
                    "compatible",
                    &report.is_compatible(),
                    &case["expected_compatible"].as_bool().unwrap_or_default(),
                )
                .map_err(|e| format!("{e}\n report: {report:?}"))
            }
            (new, previous) => Err(format!(
                "parse failed: {:?} {:?}",
                new.err(),
                previous.err()
            )),
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(&[]);
}
