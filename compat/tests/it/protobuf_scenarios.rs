//! The Protobuf texts of Confluent's recorded HTTP scenarios (`conformance/data/`): every schema
//! a scenario posts is accepted or rejected as Confluent did, every lookup answers the canonical
//! (or with `normalize=true` the normalized) text, and every text Confluent returns is the
//! canonical or normalized text of a schema the scenario posted.

use accord_compat::ParsedSchema;

use crate::common::{Outcomes, Scenario, posted_text, protobuf, recorded_scenarios};

const NAMES: &[&str] = &[
    "reg-proto-valid",
    "reg-proto",
    "reg-proto-normalize",
    "compat-types",
];

/// Steps whose result differs from Confluent's, and why.
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn protobuf_scenario_texts_match_confluent() {
    let mut outcomes = Outcomes::new("recorded scenarios (protobuf texts)");
    for Scenario { name, steps } in recorded_scenarios(NAMES) {
        let mut posted: Vec<ParsedSchema> = Vec::new();
        for (i, (step, response)) in steps.iter().enumerate() {
            let id = format!("{name}#{i}");
            let path = step["p"].as_str().unwrap_or_default();
            let status = response["status"].as_u64().unwrap_or_default();
            let body = &step["b"];
            if body["schemaType"] == "PROTOBUF" && body.get("references").is_none() {
                let text = body["schema"].as_str().unwrap_or_default();
                let outcome = match (protobuf(text, &[]), status) {
                    (Err(e), 200 | 409) => Err(format!("rejected: {e}")),
                    (Ok(_), 422) => Err("accepted".to_owned()),
                    (Ok(schema), _) => {
                        let is_lookup =
                            path.starts_with("/subjects/") && !path.contains("/versions");
                        let returned = response["body"]["schema"].as_str();
                        let expected = if path.contains("normalize=true") {
                            schema.normalized()
                        } else {
                            schema.canonical().to_owned()
                        };
                        posted.push(schema);
                        match returned {
                            Some(returned) if is_lookup && status == 200 => {
                                crate::common::same("lookup text", returned, expected.as_str())
                            }
                            _ => Ok(()),
                        }
                    }
                    (Err(_), _) => Ok(()),
                };
                outcomes.record(id, outcome);
                continue;
            }
            if step["m"] == "GET" && !path.contains("format=serialized") && status == 200 {
                let body = &response["body"];
                let mut texts: Vec<&str> = Vec::new();
                if body["schemaType"] == "PROTOBUF" {
                    texts.extend(body["schema"].as_str());
                }
                if let Some(items) = body.as_array() {
                    for item in items {
                        if item["schemaType"] == "PROTOBUF" {
                            texts.extend(item["schema"].as_str());
                        }
                    }
                }
                if path.ends_with("/schema") {
                    texts.extend(body["text"].as_str().filter(|t| !t.starts_with('{')));
                }
                if texts.is_empty() {
                    continue;
                }
                let outcome = texts.iter().try_for_each(|text| posted_text(&posted, text));
                outcomes.record(id, outcome);
            }
        }
    }
    outcomes.finish(EXPECTED_DIFFERENCES);
}
