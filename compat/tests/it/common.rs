//! Shared helpers: locating the reference data, parsing Avro, Confluent's message trailers, and
//! the expected-difference bookkeeping every data-driven test ends with.

use std::path::PathBuf;

use accord_compat::{
    CompatibilityLevel, ParseOptions, ParsedSchema, Reference, SchemaError, SchemaType, check,
};

/// The shared Confluent library corpus and its recorded results.
const LIBRARY_CORPUS: &str = "conformance/library/corpus.json";
const LIBRARY_GOLDEN: &str = "conformance/library/golden.json";

/// Confluent's recorded HTTP scenarios and their responses.
const SCENARIOS: &str = "conformance/data/scenarios.json";
const SCENARIO_GOLDEN: &str = "conformance/data/golden.json";

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

/// Parses text of any format with validation on.
pub(crate) fn parse(
    schema_type: SchemaType,
    text: &str,
    references: &[Reference],
) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(schema_type, text, references, &options(true))
}

/// Parses Avro text with validation on (Confluent's `isNew` with default validation).
pub(crate) fn avro(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(SchemaType::Avro, text, references, &options(true))
}

/// Parses Protobuf text with validation on.
pub(crate) fn protobuf(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    parse(SchemaType::Protobuf, text, references)
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

/// How a rejection's text is compared with Confluent's recorded error.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ErrorText {
    /// The whole message matches.
    Exact,
    /// Accord's message starts with Confluent's and then names what failed.
    Prefix,
}

/// The entries of the library corpus' `section` that `keep` accepts, by id, and the recorded
/// results of the whole corpus.
fn library_cases(
    section: &str,
    keep: impl Fn(&serde_json::Value) -> bool,
) -> (Vec<(String, serde_json::Value)>, serde_json::Value) {
    let corpus = shared_json(LIBRARY_CORPUS);
    let cases = corpus[section]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| keep(entry))
        .map(|entry| {
            let id = entry["id"].as_str().unwrap_or_default().to_owned();
            (id, entry.clone())
        })
        .collect();
    (cases, shared_json(LIBRARY_GOLDEN))
}

/// Every corpus schema of `schema_type`: canonical and normalized text, or the error.
pub(crate) fn library_schemas(
    schema_type: SchemaType,
    data_set: &'static str,
    errors: ErrorText,
    expected_differences: &[(&str, &str)],
) {
    let (cases, golden) = library_cases("schemas", |entry| entry["type"] == schema_type.as_str());
    let mut outcomes = Outcomes::new(data_set);
    for (id, entry) in &cases {
        let id = id.as_str();
        let text = entry["schema"].as_str().unwrap_or_default();
        let expected = &golden["schemas"][id];
        let result = parse(schema_type, text, &references(entry.get("refs")));
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
            (Err(error), _) => {
                let message = error.to_string();
                let confluent = expected["error"].as_str().unwrap_or_default();
                match errors {
                    ErrorText::Exact => same("error", message.as_str(), confluent),
                    ErrorText::Prefix if message.starts_with(confluent) => Ok(()),
                    ErrorText::Prefix => Err(format!(
                        "error {message:?} does not start with {confluent:?}"
                    )),
                }
            }
        };
        outcomes.record(id, outcome);
    }
    outcomes.finish(expected_differences);
}

/// Every corpus pair of `schema_type`: the BACKWARD and FORWARD messages.
pub(crate) fn library_pairs(
    schema_type: SchemaType,
    data_set: &'static str,
    expected_differences: &[(&str, &str)],
) {
    let (cases, golden) = library_cases("compat", |pair| pair["type"] == schema_type.as_str());
    let mut outcomes = Outcomes::new(data_set);
    for (id, pair) in &cases {
        let id = id.as_str();
        let old = parse(
            schema_type,
            pair["old"].as_str().unwrap_or_default(),
            &references(pair.get("old_refs")),
        );
        let new = parse(
            schema_type,
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
    outcomes.finish(expected_differences);
}

/// Every corpus chain with a `schema_type` version, at all seven levels; versions of a type not
/// in `readable` make the chain a difference.
pub(crate) fn library_chains(
    schema_type: SchemaType,
    readable: &[SchemaType],
    data_set: &'static str,
    expected_differences: &[(&str, &str)],
) {
    let (cases, golden) = library_cases("chains", |chain| {
        strings(&chain["types"])
            .iter()
            .any(|t| t == schema_type.as_str())
    });
    let mut outcomes = Outcomes::new(data_set);
    for (id, chain) in &cases {
        let id = id.as_str();
        let types = strings(&chain["types"]);
        let parsed: Result<Vec<ParsedSchema>, String> = strings(&chain["versions"])
            .iter()
            .zip(&types)
            .map(
                |(text, ty)| match readable.iter().find(|r| r.as_str() == ty) {
                    Some(&readable) => parse(readable, text, &[]).map_err(|e| e.to_string()),
                    None => Err(format!("{ty} versions are not covered here")),
                },
            )
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
    outcomes.finish(expected_differences);
}

/// One recorded HTTP scenario: its name and its steps, each with Confluent's response, in order.
pub(crate) struct Scenario {
    pub(crate) name: String,
    pub(crate) steps: Vec<(serde_json::Value, serde_json::Value)>,
}

/// The recorded scenarios named in `names`, in recording order.
pub(crate) fn recorded_scenarios(names: &[&str]) -> Vec<Scenario> {
    let scenarios = shared_json(SCENARIOS);
    let golden = shared_json(SCENARIO_GOLDEN);
    scenarios
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|scenario| {
            let name = scenario["name"].as_str().unwrap_or_default();
            if !names.contains(&name) {
                return None;
            }
            let responses = golden[name].as_array().cloned().unwrap_or_default();
            let steps = scenario["steps"]
                .as_array()
                .into_iter()
                .flatten()
                .cloned()
                .zip(responses)
                .collect();
            Some(Scenario {
                name: name.to_owned(),
                steps,
            })
        })
        .collect()
}

/// `Ok` when `text` is the canonical or normalized text of a schema the scenario posted.
pub(crate) fn posted_text(posted: &[ParsedSchema], text: &str) -> Result<(), String> {
    if posted
        .iter()
        .any(|s| s.canonical() == text || s.normalized() == text)
    {
        Ok(())
    } else {
        Err(format!("returned text {text:?} is no posted schema's text"))
    }
}
