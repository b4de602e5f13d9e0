//! The JSON Schema steps of Confluent's recorded HTTP scenarios (`conformance/data/`): every JSON
//! schema posted is accepted or rejected as Confluent did (references resolved from the schemas
//! registered earlier), every text Confluent returns is the canonical or normalized text, and
//! every verbose `/compatibility` answer between JSON schemas carries Confluent's messages (the
//! `{validateFields…}` trailer is the server's and is left out here).

use std::collections::HashMap;

use accord_compat::{CompatibilityLevel, ParsedSchema, Reference, SchemaType};

use crate::common::{
    Outcomes, Scenario, confluent_messages, options, posted_text, recorded_scenarios, same, strings,
};

const NAMES: &[&str] = &[
    "reg-json-invalid",
    "reg-json-valid",
    "reg-json-normalize",
    "refs-json",
    "compat-types",
];

/// Steps whose result differs from Confluent's, and why (none).
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[];

/// `/subjects/{subject}/…` or `/config/{subject}` or `/compatibility/subjects/{subject}/…`.
fn subject_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "compatibility", "subjects", subject, ..] => (*subject).to_owned(),
        ["", _, subject, ..] => (*subject).to_owned(),
        _ => String::new(),
    }
}

#[test]
fn json_scenario_steps_match_confluent() {
    let mut outcomes = Outcomes::new("recorded scenarios (json schemas and verbose compatibility)");
    for Scenario { name, steps } in recorded_scenarios(NAMES) {
        // Registered JSON texts by subject (versions in order), and each subject's level.
        let mut registered: HashMap<String, Vec<String>> = HashMap::new();
        let mut levels: HashMap<String, CompatibilityLevel> = HashMap::new();
        let mut posted: Vec<ParsedSchema> = Vec::new();
        // Subjects whose config says `normalize: true`.
        let mut normalizing: Vec<String> = Vec::new();
        for (i, (step, response)) in steps.iter().enumerate() {
            let id = format!("{name}#{i}");
            let path = step["p"].as_str().unwrap_or_default();
            let subject = subject_of(path);
            let status = response["status"].as_u64().unwrap_or_default();
            let body = &step["b"];
            if step["m"] == "PUT" && path.starts_with("/config/") {
                if let Some(level) = body["compatibility"].as_str().and_then(|l| l.parse().ok()) {
                    levels.insert(subject.clone(), level);
                }
                if body["normalize"] == true {
                    normalizing.push(subject);
                }
                continue;
            }
            if body["schemaType"] != "JSON" {
                continue;
            }
            let text = body["schema"].as_str().unwrap_or_default();
            let references: Vec<Reference> = body["references"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    let versions = registered.get(r["subject"].as_str()?)?;
                    let version = usize::try_from(r["version"].as_u64()?).ok()?;
                    Some(Reference {
                        name: r["name"].as_str()?.to_owned(),
                        text: versions.get(version.checked_sub(1)?)?.clone(),
                    })
                })
                .collect();
            let parsed = accord_compat::parse(SchemaType::Json, text, &references, &options(true));
            if path.starts_with("/compatibility/") {
                let Some(expected) = response["body"]["messages"].as_array() else {
                    continue;
                };
                let level = levels
                    .get(&subject)
                    .copied()
                    .unwrap_or(CompatibilityLevel::Backward);
                let history: Vec<ParsedSchema> = registered
                    .get(&subject)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| {
                        accord_compat::parse(SchemaType::Json, t, &[], &options(false)).ok()
                    })
                    .collect();
                let mut expected = strings(&serde_json::Value::Array(expected.clone()));
                if expected
                    .last()
                    .is_some_and(|m| m.starts_with("{validateFields"))
                {
                    expected.pop();
                }
                let outcome = match parsed {
                    Ok(new) => {
                        let latest: Vec<&ParsedSchema> = history.last().into_iter().collect();
                        same(
                            "messages",
                            &confluent_messages(level, &new, &latest, true),
                            &expected,
                        )
                    }
                    Err(e) => Err(format!("rejected: {e}")),
                };
                outcomes.record(id, outcome);
                continue;
            }
            let outcome = match (parsed, status) {
                (Ok(schema), 200 | 409) => {
                    let stored =
                        if path.contains("normalize=true") || normalizing.contains(&subject) {
                            schema.normalized()
                        } else {
                            schema.canonical().to_owned()
                        };
                    let result = match response["body"]["schema"].as_str() {
                        Some(returned) => same("returned text", returned, stored.as_str()),
                        None => Ok(()),
                    };
                    let registers = path.ends_with("/versions") || path.contains("/versions?");
                    if step["m"] == "POST" && registers {
                        registered.entry(subject).or_default().push(text.to_owned());
                    }
                    posted.push(schema);
                    result
                }
                (Ok(schema), _) => Err(format!("accepted: {}", schema.canonical())),
                (Err(e), 200 | 409) => Err(format!("rejected: {e}")),
                (Err(e), _) => {
                    let message = response["body"]["message"].as_str().unwrap_or_default();
                    let details = message.rsplit("details: ").next().unwrap_or_default();
                    if e.to_string().starts_with(details) {
                        Ok(())
                    } else {
                        Err(format!("error {e} does not start with {details:?}"))
                    }
                }
            };
            outcomes.record(id, outcome);
        }
        // Every text a GET returned is the text of a schema posted in the scenario.
        for (i, (step, response)) in steps.iter().enumerate() {
            if step["m"] != "GET" || response["body"]["schemaType"] != "JSON" {
                continue;
            }
            let text = response["body"]["schema"].as_str().unwrap_or_default();
            let outcome = posted_text(&posted, text);
            outcomes.record(format!("{name}#{i}"), outcome);
        }
    }
    outcomes.finish(EXPECTED_DIFFERENCES);
}
