//! Shared helpers: locating the reference data, parsing Avro, Confluent's message trailers, and
//! the expected-difference bookkeeping every data-driven test ends with.

use std::path::PathBuf;

use accord_compat::{
    CompatibilityLevel, ParseOptions, ParsedSchema, Reference, SchemaError, SchemaType, check,
};

/// Confluent's default policy.
pub(crate) const STRICT: accord_compat::CheckOptions = accord_compat::CheckOptions {
    policy: accord_compat::CompatibilityPolicy::Strict,
};

/// Nesting limit used by the tests (Jackson's own default is 1000).
pub(crate) const MAX_DEPTH: usize = 1000;

/// A path under the shared, read-only reference data.
pub(crate) fn shared_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(relative)
}

/// Reads a JSON file from the shared reference data.
pub(crate) fn shared_json(relative: &str) -> serde_json::Value {
    let path = shared_path(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

pub(crate) fn options(validate: bool) -> ParseOptions {
    ParseOptions {
        validate,
        max_depth: MAX_DEPTH,
    }
}

/// Parses Avro text with validation on (Confluent's `isNew` with default validation).
pub(crate) fn avro(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(SchemaType::Avro, text, references, &options(true))
}

/// References as the corpus lists them: `[{name, schema, ...}]`.
pub(crate) fn references(value: Option<&serde_json::Value>) -> Vec<Reference> {
    value
        .and_then(serde_json::Value::as_array)
        .map(|refs| {
            refs.iter()
                .map(|r| Reference {
                    name: r["name"].as_str().unwrap_or_default().to_owned(),
                    text: r["schema"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The message list Confluent returns when `new` is registered after `previous_oldest_first`
/// (`versions` = true) or checked against one schema (`versions` = false): the violations, then
/// the trailer Confluent's `SchemaValidatorBuilder` appends, which the server adds in Accord.
/// Under FULL levels the trailer follows only when the backward direction failed.
pub(crate) fn confluent_messages(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous_oldest_first: &[&ParsedSchema],
    versions: bool,
) -> Vec<String> {
    let report = check(level, new, previous_oldest_first, &crate::common::STRICT);
    let Some(incompatibility) = report.incompatibilities.first() else {
        return Vec::new();
    };
    let mut messages: Vec<String> = incompatibility
        .violations
        .iter()
        .map(|v| v.message.clone())
        .collect();
    let previous = previous_oldest_first[incompatibility.previous_index];
    if incompatibility.cites_previous {
        if versions {
            messages.push(format!(
                "{{oldSchemaVersion: {}}}",
                incompatibility.previous_index + 1
            ));
        }
        messages.push(format!("{{oldSchema: '{}'}}", previous.canonical()));
    }
    messages
}

/// The string list of a golden JSON array.
pub(crate) fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Results of one data set, judged against its expected-difference table.
#[derive(Debug)]
pub(crate) struct Outcomes {
    data_set: &'static str,
    results: Vec<(String, Result<(), String>)>,
}

impl Outcomes {
    pub(crate) fn new(data_set: &'static str) -> Outcomes {
        Outcomes {
            data_set,
            results: Vec::new(),
        }
    }

    pub(crate) fn record(&mut self, id: impl Into<String>, result: Result<(), String>) {
        self.results.push((id.into(), result));
    }

    /// Fails on any unexpected difference, on any expected difference that no longer occurs, and
    /// on any table entry naming a case that does not exist; prints a one-line summary.
    pub(crate) fn finish(self, expected_differences: &[(&str, &str)]) {
        let mut problems = Vec::new();
        let mut passed = 0;
        for (id, result) in &self.results {
            let expected = expected_differences.iter().find(|(x, _)| x == id);
            match (result, expected) {
                (Ok(()), None) => passed += 1,
                (Ok(()), Some((_, reason))) => problems.push(format!(
                    "{id}: listed as an expected difference ({reason}) but now matches: remove the entry"
                )),
                (Err(_), Some(_)) => {}
                (Err(difference), None) => problems.push(format!("{id}: {difference}")),
            }
        }
        for (id, _) in expected_differences {
            if !self.results.iter().any(|(r, _)| r == id) {
                problems.push(format!("{id}: expected-difference entry names no case"));
            }
        }
        println!(
            "{}: {passed}/{} match, {} expected differences",
            self.data_set,
            self.results.len(),
            expected_differences.len()
        );
        assert!(
            problems.is_empty(),
            "{}: {} problem(s):\n{}",
            self.data_set,
            problems.len(),
            problems.join("\n")
        );
    }
}

/// `Err` describing the first difference between two values, if any.
pub(crate) fn same<T: PartialEq + std::fmt::Debug + ?Sized>(
    what: &str,
    actual: &T,
    expected: &T,
) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "{what} differs\n   actual: {actual:?}\n expected: {expected:?}"
        ))
    }
}
