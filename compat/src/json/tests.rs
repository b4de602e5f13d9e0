//! Confluent's own JSON Schema diff cases (`peer-cases/confluent/json-schema/`): the exact list of
//! changes (type and path, in order, compatible ones included), which only this module can see,
//! and the STRICT and LENIENT verdicts.

use std::path::PathBuf;

use serde_json::Value;

use super::{JsonSchema, difference, differences};
use crate::{CompatibilityPolicy, ParseOptions};

fn shared(relative: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/peer-cases/confluent/json-schema")
        .join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(value: &Value) -> Result<JsonSchema, String> {
    let options = ParseOptions {
        validate: true,
        max_depth: 1000,
    };
    JsonSchema::parse(&value.to_string(), &[], &options).map_err(|e| e.to_string())
}

/// Cases whose result differs from Confluent's, and why (none expected).
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[];

fn run(file: &str) {
    let cases = shared(file);
    let mut problems = Vec::new();
    let mut passed = 0;
    let mut total = 0;
    for (index, case) in cases.as_array().into_iter().flatten().enumerate() {
        total += 1;
        let id = format!(
            "{file}[{index}] {}",
            case["description"].as_str().unwrap_or_default()
        );
        let outcome = (|| {
            let original = parse(&case["original_schema"])?;
            let update = parse(&case["update_schema"])?;
            let changes: Vec<String> = differences(&original, &update, CompatibilityPolicy::Strict)
                .iter()
                .map(|d| format!("{} {}", d.kind, d.path))
                .collect();
            let expected: Vec<String> = case["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect();
            if changes != expected {
                return Err(format!("changes {changes:?}, expected {expected:?}"));
            }
            for (policy, key) in [
                (CompatibilityPolicy::Strict, "compatible"),
                (CompatibilityPolicy::Lenient, "compatible_lenient"),
            ] {
                let Some(want) = case[key].as_bool() else {
                    continue;
                };
                let got = differences(&original, &update, policy)
                    .iter()
                    .all(|d| difference::is_compatible(d.kind, policy));
                if got != want {
                    return Err(format!("{key}: {got}, expected {want}"));
                }
            }
            Ok(())
        })();
        let expected = EXPECTED_DIFFERENCES.iter().find(|(x, _)| *x == id);
        match (outcome, expected) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => problems.push(format!("{id}: now matches, remove its entry")),
            (Err(_), Some(_)) => {}
            (Err(e), None) => problems.push(format!("{id}: {e}")),
        }
    }
    println!("{file}: {passed}/{total} match");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn diff_schema_examples_match_confluent() {
    run("diff-schema-examples.json");
}

#[test]
fn diff_combined_schema_examples_match_confluent() {
    run("diff-combined-schema-examples.json");
}

#[test]
fn recursive_schema_compared_with_itself_terminates_without_changes() {
    let schema = parse(&shared("recursive-schema.json")).expect("recursive schema parses");
    for policy in [CompatibilityPolicy::Strict, CompatibilityPolicy::Lenient] {
        assert_eq!(differences(&schema, &schema, policy), Vec::new());
    }
}

#[test]
fn policies_accept_65_and_74_types() {
    assert_eq!(difference::compatible_counts(), (65, 74));
}

#[test]
fn numbers_and_strings_print_as_jackson_does() {
    for (value, java) in [
        (1.0, "1.0"),
        (0.5, "0.5"),
        (-2.5, "-2.5"),
        (100.0, "100.0"),
        (1000.0, "1000.0"),
        (0.001, "0.001"),
        (0.1, "0.1"),
        (123_456.789, "123456.789"),
        (9_999_999.0, "9999999.0"),
        (1e7, "1.0E7"),
        (1.2345e10, "1.2345E10"),
        (1e21, "1.0E21"),
        (1e-4, "1.0E-4"),
        (-1.5e-7, "-1.5E-7"),
        (0.0, "0.0"),
    ] {
        assert_eq!(super::text::java_double(value), java, "{value}");
    }
    let value: Value =
        serde_json::from_str(r#"{"b":1e2,"a":[5,-3,0.25],"s":"tab\t nul\u0000 \u001f é \/"}"#)
            .expect("valid JSON");
    assert_eq!(
        super::text::compact(&value),
        r#"{"b":100.0,"a":[5,-3,0.25],"s":"tab\t nul\u0000 \u001F é /"}"#
    );
}
