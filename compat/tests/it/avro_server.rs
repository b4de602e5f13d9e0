//! The recorded Confluent server on Avro registration: every 42201 `details:` message, and the
//! canonical text of every accepted schema, in the scenarios `reg-avro`, `reg-avro-valid` and
//! `avro-invalid-2`.
//!
//! Confluent validates defaults only for new schemas registered with `normalize=true`
//! (`AvroSchemaProvider`: `(validateDefaults || normalize) && isNew`, with `avro.validate.defaults`
//! off by default), so `validate` is set that way here.

use accord_compat::{ParsedSchema, SchemaType};

use crate::common::{Outcomes, options, same, shared_json};

const SCENARIOS: [&str; 3] = ["reg-avro", "reg-avro-valid", "avro-invalid-2"];

#[test]
fn avro_registration_messages_match_confluent() {
    let scenarios = shared_json("conformance/data/scenarios.json");
    let golden = shared_json("conformance/data/golden.json");
    let mut outcomes = Outcomes::new("server avro registrations (42201 details and stored text)");
    for scenario in scenarios.as_array().into_iter().flatten() {
        let name = scenario["name"].as_str().unwrap_or_default();
        if !SCENARIOS.contains(&name) {
            continue;
        }
        let steps = scenario["steps"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        // The schema registered by the previous step, and its subject.
        let mut last_registered: Option<(String, ParsedSchema)> = None;
        for (index, step) in steps.iter().enumerate() {
            let response = &golden[name][index];
            let path = step["p"].as_str().unwrap_or_default();
            let subject = path.split('/').nth(2).unwrap_or_default().to_owned();
            let id = format!(
                "{name} step {index} {} {path}",
                step["m"].as_str().unwrap_or_default()
            );
            let previous = last_registered.take();
            if step["m"] == "GET" {
                // The text the previous registration stored, as read back.
                if let (Some((registered_subject, registered)), Some(stored)) =
                    (previous, response["body"]["schema"].as_str())
                {
                    if registered_subject == subject {
                        outcomes
                            .record(id, same("stored canonical", registered.canonical(), stored));
                    }
                }
                continue;
            }
            let Some(text) = step["b"]["schema"].as_str() else {
                continue;
            };
            if step["b"].get("schemaType").is_some_and(|t| t != "AVRO") {
                continue;
            }
            let register =
                step["m"] == "POST" && path.starts_with("/subjects/") && path.contains("/versions");
            let normalize = path.contains("normalize=true");
            let parsed =
                accord_compat::parse(SchemaType::Avro, text, &[], &options(register && normalize));
            let message = response["body"]["message"].as_str().unwrap_or_default();
            let details = message
                .split_once(", details: ")
                .filter(|_| response["body"]["error_code"] == 42201);
            let outcome = match (parsed, details) {
                (Err(error), Some((_, details))) => {
                    same("details", error.to_string().as_str(), details)
                }
                (Err(error), None) => Err(format!(
                    "rejected ({error}) but Confluent answered {response}"
                )),
                (Ok(schema), Some(_)) => Err(format!(
                    "accepted as {} but Confluent said: {message}",
                    schema.canonical()
                )),
                (Ok(schema), None) => {
                    let stored = response["body"]["schema"].as_str();
                    let result = match stored {
                        Some(stored) if normalize => {
                            same("normalized", schema.normalized().as_str(), stored)
                        }
                        Some(stored) => same("canonical", schema.canonical(), stored),
                        None => Ok(()),
                    };
                    if register {
                        last_registered = Some((subject, schema));
                    }
                    result
                }
            };
            outcomes.record(id, outcome);
        }
    }
    outcomes.finish(&[]);
}
