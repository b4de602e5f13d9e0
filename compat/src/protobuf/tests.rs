//! Confluent's own diff examples (`peer-cases/confluent/protobuf/`), compared on the full list of
//! differences, compatible ones included, which the public API does not expose; plus the facts
//! about the `fixtures/` files and the message-index helpers.

use std::path::PathBuf;

use super::{
    ProtobufSchema, describe_differences, descriptor_to_text, message_full_name, message_index_path,
};
use crate::{ParseOptions, Reference, SchemaError};

const DIR: &str = "peer-cases/confluent/protobuf";

/// Cases whose result differs from Confluent's, and why.
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[];

fn shared(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(relative)
}

fn read(relative: &str) -> String {
    let path = shared(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A file under `fixtures/`.
fn fixture(name: &str) -> String {
    read(&format!("{DIR}/fixtures/{name}"))
}

/// The lines, each ending in a newline.
fn lines(lines: &[&str]) -> String {
    lines.join("\n") + "\n"
}

/// Reads `schema` back from its serialized descriptor and checks nothing changed.
fn assert_descriptor_round_trip_unchanged(schema: &ProtobufSchema) -> ProtobufSchema {
    let back = parse(&schema.serialized(), &[]).unwrap();
    let (changes, compatible) = describe_differences(schema, &back);
    assert!(changes.is_empty() && compatible, "{changes:?}");
    back
}

fn options() -> ParseOptions {
    ParseOptions {
        validate: true,
        max_depth: 1000,
    }
}

fn parse(text: &str, references: &[Reference]) -> Result<ProtobufSchema, SchemaError> {
    ProtobufSchema::parse(text, references, &options())
}

/// A schema value of the examples: `.proto` text, or a file name under `fixtures/`.
fn schema_text(value: &str) -> String {
    if value.ends_with(".proto") {
        let base = value.rsplit('/').next().unwrap_or(value);
        fixture(base)
    } else {
        value.to_owned()
    }
}

fn dependencies(case: &serde_json::Value, key: &str) -> Vec<Reference> {
    case[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some(Reference {
                name: d["name"].as_str()?.to_owned(),
                text: d["dependency"].as_str()?.to_owned(),
            })
        })
        .collect()
}

fn run_examples(file: &str, outcomes: &mut Vec<(String, Result<(), String>)>) {
    let cases: serde_json::Value =
        serde_json::from_str(&read(&format!("{DIR}/{file}"))).expect("examples are JSON");
    for (i, case) in cases.as_array().into_iter().flatten().enumerate() {
        let id = format!(
            "{file}#{i} {}",
            case["description"].as_str().unwrap_or_default()
        );
        let original = parse(
            &schema_text(case["original_schema"].as_str().unwrap_or_default()),
            &dependencies(case, "original_dependencies"),
        );
        let update = parse(
            &schema_text(case["update_schema"].as_str().unwrap_or_default()),
            &dependencies(case, "update_dependencies"),
        );
        let outcome = match (original, update) {
            (Ok(original), Ok(update)) => {
                let (changes, compatible) = describe_differences(&original, &update);
                let expected: Vec<String> = case["changes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect();
                if changes != expected {
                    Err(format!("changes {changes:?}, expected {expected:?}"))
                } else if Some(compatible) != case["compatible"].as_bool() {
                    Err(format!("compatible {compatible}"))
                } else {
                    Ok(())
                }
            }
            (Err(e), _) | (_, Err(e)) => Err(format!("rejected: {e}")),
        };
        outcomes.push((id, outcome));
    }
}

#[test]
fn confluent_diff_examples() {
    let mut outcomes = Vec::new();
    run_examples("diff-schema-examples.json", &mut outcomes);
    run_examples("diff-schema-examples-with-meta.json", &mut outcomes);
    let mut problems = Vec::new();
    let mut passed = 0;
    for (id, outcome) in &outcomes {
        let expected = EXPECTED_DIFFERENCES.iter().find(|(x, _)| x == id);
        match (outcome, expected) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => problems.push(format!("{id}: now matches: remove the entry")),
            (Err(_), Some(_)) => {}
            (Err(e), None) => problems.push(format!("{id}: {e}")),
        }
    }
    for (id, _) in EXPECTED_DIFFERENCES {
        if !outcomes.iter().any(|(x, _)| x == id) {
            problems.push(format!("{id}: entry names no case"));
        }
    }
    println!(
        "protobuf diff examples: {passed}/{} match, {} expected differences",
        outcomes.len(),
        EXPECTED_DIFFERENCES.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixture_test_proto_to_test_proto2() {
    let original = parse(&fixture("TestProto.proto"), &[]).unwrap();
    let update = parse(&fixture("TestProto2.proto"), &[]).unwrap();
    let (changes, compatible) = describe_differences(&original, &update);
    // Confluent's test checks that these two are reported; the fixtures' packages differ too.
    for expected in [
        "FIELD_NAME_CHANGED #/TestMessage/2",
        "FIELD_SCALAR_KIND_CHANGED #/TestMessage/2",
    ] {
        assert!(changes.iter().any(|c| c == expected), "{changes:?}");
    }
    assert!(!compatible);
}

#[test]
fn fixtures_are_compatible_with_themselves_and_canonical_is_stable() {
    for name in [
        "TestProto.proto",
        "NestedTestProto.proto",
        "NestedNoMapTestProto.proto",
        "DecimalValue.proto",
        "DecimalValue2.proto",
    ] {
        let text = fixture(name);
        let schema = parse(&text, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (changes, compatible) = describe_differences(&schema, &schema);
        assert!(changes.is_empty() && compatible, "{name}: {changes:?}");
        let again = parse(&schema.canonical(), &[]).unwrap();
        assert_eq!(again.canonical(), schema.canonical(), "{name}");
        let normalized = parse(&schema.normalized(), &[]).unwrap();
        assert_eq!(normalized.normalized(), schema.normalized(), "{name}");
    }
}

#[test]
fn same_message_name_resolves_index_zero_to_its_own_message() {
    let references = [
        Reference {
            name: "TestProto.proto".into(),
            text: fixture("TestProto.proto"),
        },
        Reference {
            name: "TestProto2.proto".into(),
            text: fixture("TestProto2.proto"),
        },
    ];
    let text = fixture("SameMessageName.proto");
    let schema = parse(&text, &references).unwrap();
    let name = message_full_name(&schema, &[0]).unwrap();
    let own_package = schema.file.package.clone().unwrap_or_default();
    assert!(name.starts_with(&own_package), "{name}");
    assert_eq!(message_full_name(&schema, &[]), Some(name.clone()));
    assert_eq!(message_index_path(&schema, &name), Some(vec![0]));
}

#[test]
fn message_indexes_count_messages_only() {
    let schema = parse(
        "syntax = \"proto3\";\npackage p;\nenum E { A = 0; }\nmessage M { message N {} enum F { B = 0; } message O {} }\nmessage Q {}\n",
        &[],
    )
    .unwrap();
    assert_eq!(message_full_name(&schema, &[0]).as_deref(), Some("p.M"));
    assert_eq!(message_full_name(&schema, &[1]).as_deref(), Some("p.Q"));
    assert_eq!(
        message_full_name(&schema, &[0, 1]).as_deref(),
        Some("p.M.O")
    );
    assert_eq!(message_full_name(&schema, &[2]), None);
    assert_eq!(message_index_path(&schema, ".p.M.O"), Some(vec![0, 1]));
    assert_eq!(message_index_path(&schema, "p.Q"), Some(vec![1]));
    assert_eq!(message_index_path(&schema, "q.Q"), None);
}

/// `format=serialized` answers of the recorded scenarios, for the schemas posted as text.
#[test]
fn serialized_descriptors_match_confluent() {
    let scenarios: serde_json::Value =
        serde_json::from_str(&read("conformance/data/scenarios.json")).expect("JSON");
    let golden: serde_json::Value =
        serde_json::from_str(&read("conformance/data/golden.json")).expect("JSON");
    let mut problems = Vec::new();
    let mut compared = 0;
    for scenario in scenarios.as_array().into_iter().flatten() {
        let name = scenario["name"].as_str().unwrap_or_default();
        let Some(responses) = golden[name].as_array() else {
            continue;
        };
        let mut latest: std::collections::HashMap<String, ProtobufSchema> = Default::default();
        for (step, response) in scenario["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(responses)
        {
            let path = step["p"].as_str().unwrap_or_default();
            let subject = path.split('/').nth(2).unwrap_or_default().to_owned();
            if step["m"] == "POST"
                && path.ends_with("/versions")
                && step["b"]["schemaType"] == "PROTOBUF"
                && response["status"] == 200
            {
                if let Ok(schema) = parse(step["b"]["schema"].as_str().unwrap_or_default(), &[]) {
                    latest.insert(subject.clone(), schema);
                }
            }
            if step["m"] == "GET"
                && path.contains("/subjects/")
                && path.contains("format=serialized")
            {
                let (Some(schema), Some(expected)) =
                    (latest.get(&subject), response["body"]["text"].as_str())
                else {
                    continue;
                };
                compared += 1;
                let actual = schema.serialized();
                if actual != expected {
                    problems.push(format!("{name} {path}: {actual} != {expected}"));
                }
                let back = parse(expected, &[]).expect("descriptor parses");
                if back.serialized() != expected {
                    problems.push(format!("{name} {path}: descriptor round trip differs"));
                }
            }
        }
    }
    println!(
        "serialized descriptors: {compared} compared, {} problems",
        problems.len()
    );
    assert!(compared > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixtures_survive_a_descriptor_round_trip() {
    for name in [
        "TestProto.proto",
        "NestedTestProto.proto",
        "NestedNoMapTestProto.proto",
    ] {
        let schema = parse(&fixture(name), &[]).unwrap();
        let serialized = schema.serialized();
        let back = parse(&serialized, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Confluent: the canonical text of NestedNoMapTestProto (one range per `reserved`)
        // survives unchanged; for the others text -> descriptor -> text is stable.
        if name == "NestedNoMapTestProto.proto" {
            assert_eq!(back.canonical(), schema.canonical(), "{name}");
        }
        let again = parse(&back.serialized(), &[]).unwrap();
        assert_eq!(again.canonical(), back.canonical(), "{name}");
        assert_eq!(back.serialized(), serialized, "{name}");
        let (changes, compatible) = describe_differences(&schema, &back);
        assert!(compatible, "{name}: {changes:?}");
        let (changes, compatible) = describe_differences(&back, &schema);
        assert!(compatible, "{name}: {changes:?}");
    }
}

#[test]
fn descriptor_to_text_prints_the_canonical_text() {
    let schema = parse(
        "syntax = \"proto3\";\npackage p;\nmessage M { map<string, M> m = 1; optional int32 o = 2; }\n",
        &[],
    )
    .unwrap();
    assert_eq!(
        descriptor_to_text(&schema.serialized()).unwrap(),
        schema.canonical()
    );
    assert!(descriptor_to_text("not base64!").is_err());
    assert!(descriptor_to_text("AAAA").is_err());
}

/// Confluent: DecimalValue2 (custom `(confluent.*_meta)` options everywhere) keeps an identical
/// canonical string through a descriptor round trip and is compatible with itself.
#[test]
fn decimal_value2_descriptor_round_trip_keeps_custom_options() {
    let schema = parse(&fixture("DecimalValue2.proto"), &[]).unwrap();
    let back = assert_descriptor_round_trip_unchanged(&schema);
    assert_eq!(back.canonical(), schema.canonical());
    assert_eq!(back.normalized(), schema.normalized());
}

#[test]
fn printing_details_of_confluents_current_printer() {
    let text = lines(&[
        "syntax = \"proto2\";",
        "package p;",
        "import \"confluent/meta.proto\";",
        "option (x.y) = 1;",
        "option (confluent.file_meta) = { doc: \"d\" };",
        "message A {",
        "  reserved 7 to max, 3 to 3;",
        "  extensions 100 to max, 10;",
        "  optional float f = 1 [default = 1.50, (q) = 0x10];",
        "  extend A { optional int32 e = 101; }",
        "}",
        "enum E { reserved 2, 4 to 5; reserved \"X\"; A = 0; }",
        "extend A { optional int32 g = 102; }",
    ]);
    let schema = parse(&text, &[]).unwrap();
    assert_eq!(
        schema.canonical(),
        lines(&[
            "syntax = \"proto2\";",
            "package p;",
            "",
            "import \"confluent/meta.proto\";",
            "",
            "option (x.y) = 1;",
            "option (confluent.file_meta) = {",
            "  doc: \"d\"",
            "};",
            "",
            "message A {",
            "  reserved 7 to max, 3 to 3;",
            "",
            "  optional float f = 1 [",
            "    (q) = 0x10,",
            "    default = 1.50",
            "  ];",
            "",
            "  extensions 100 to max, 10;",
            "",
            "  extend A {",
            "    optional int32 e = 101;",
            "  }",
            "}",
            "enum E {",
            "  reserved 2, 4 to 5;",
            "  reserved \"X\";",
            "  A = 0;",
            "}",
            "",
            "extend A {",
            "  optional int32 g = 102;",
            "}",
        ])
    );
    assert_eq!(
        schema.normalized(),
        lines(&[
            "package p;",
            "",
            "import \"confluent/meta.proto\";",
            "",
            "option (confluent.file_meta) = {",
            "  doc: \"d\"",
            "};",
            "option (x.y) = 1;",
            "",
            "message A {",
            "  reserved 3;",
            "  reserved 7 to max;",
            "",
            "  optional float f = 1 [",
            "    default = 1.5,",
            "    (q) = 16",
            "  ];",
            "",
            "  extensions 10;",
            "  extensions 100 to max;",
            "",
            "  extend .p.A {",
            "    optional int32 e = 101;",
            "  }",
            "}",
            "enum E {",
            "  reserved 2;",
            "  reserved 4 to 5;",
            "  reserved \"X\";",
            "  A = 0;",
            "}",
            "",
            "extend .p.A {",
            "  optional int32 g = 102;",
            "}",
        ])
    );
    assert_eq!(
        schema.ignoring_extensions(),
        lines(&[
            "syntax = \"proto2\";",
            "package p;",
            "",
            "import \"confluent/meta.proto\";",
            "",
            "option (confluent.file_meta) = {",
            "  doc: \"d\"",
            "};",
            "",
            "message A {",
            "  reserved 7 to max, 3 to 3;",
            "",
            "  optional float f = 1 [default = 1.50];",
            "}",
            "enum E {",
            "  reserved 2, 4 to 5;",
            "  reserved \"X\";",
            "  A = 0;",
            "}",
        ])
    );
    assert_descriptor_round_trip_unchanged(&schema);
}

#[test]
fn normalizing_names_and_merges_resolvable_extension_options() {
    let text = lines(&[
        "syntax = \"proto3\";",
        "import \"confluent/meta.proto\";",
        "message A {",
        "  option (confluent.message_meta).doc = \"d\";",
        "  option (confluent.message_meta).tags = \"t\";",
        "  option (other.ext).x = 1;",
        "  string a = 1;",
        "}",
    ]);
    let schema = parse(&text, &[]).unwrap();
    assert_eq!(
        schema.normalized(),
        lines(&[
            "syntax = \"proto3\";",
            "",
            "import \"confluent/meta.proto\";",
            "",
            "message A {",
            "  option (confluent.message_meta) = {",
            "    doc: \"d\",",
            "    tags: \"t\"",
            "  };",
            "  option (other.ext).x = 1;",
            "",
            "  string a = 1;",
            "}",
        ])
    );
    assert!(
        schema
            .canonical()
            .contains("option (confluent.message_meta).doc = \"d\";")
    );
}
