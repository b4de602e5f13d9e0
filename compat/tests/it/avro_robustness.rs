//! Hostile and unusual input: nesting limits without stack overflow, mutated corpus schemas that
//! must never panic, and Java behaviours the corpus does not cover (comments, number formats,
//! namespaces, dangling content, lenient versus validating parses).

use std::panic::{AssertUnwindSafe, catch_unwind};

use accord_compat::{CompatibilityLevel, ParseOptions, SchemaError, SchemaType, check};

use crate::common::{MAX_DEPTH, avro, options, shared_json};

fn nested(depth: usize, open: &str, leaf: &str, close: &str) -> String {
    let mut text = String::with_capacity(depth * (open.len() + close.len()) + leaf.len());
    for _ in 0..depth {
        text.push_str(open);
    }
    text.push_str(leaf);
    for _ in 0..depth {
        text.push_str(close);
    }
    text
}

#[test]
fn deep_nesting_is_rejected_without_overflow() {
    for depth in [MAX_DEPTH + 1, 10_000, 100_000] {
        for text in [
            nested(depth, "[", "\"int\"", "]"),
            nested(depth, r#"{"type":"array","items":"#, "\"int\"", "}"),
            nested(depth, r#"{"a":"#, "1", "}"),
            // Unterminated: the limit is hit before the syntax error.
            "[".repeat(depth),
        ] {
            let result = avro(&text, &[]);
            assert_eq!(
                result.err(),
                Some(SchemaError::TooDeep { limit: MAX_DEPTH }),
                "depth {depth}"
            );
        }
    }
    // A larger configured limit is capped at Jackson's 1000, which the recursion is sized for.
    let generous = ParseOptions {
        validate: true,
        max_depth: 1_000_000,
    };
    let deep = nested(100_000, "[", "\"int\"", "]");
    assert_eq!(
        accord_compat::parse(SchemaType::Avro, &deep, &[], &generous).err(),
        Some(SchemaError::TooDeep { limit: 1000 })
    );
    // The limit applies to references too.
    let reference = accord_compat::Reference {
        name: "deep".to_owned(),
        text: nested(10_000, "[", "\"int\"", "]"),
    };
    assert_eq!(
        avro("\"int\"", &[reference]).err(),
        Some(SchemaError::TooDeep { limit: MAX_DEPTH })
    );
}

#[test]
fn nesting_up_to_the_limit_is_handled() {
    // 999 nested arrays: one JSON level each, just inside the limit.
    let arrays = nested(MAX_DEPTH - 1, r#"{"type":"array","items":"#, "\"int\"", "}");
    // Records nest three JSON levels each: record, fields array, field object.
    let records = nested(
        (MAX_DEPTH - 1) / 3,
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"#,
        "\"int\"",
        "}]}",
    )
    .replace("\"name\":\"R\"", "\"name\":\"R\",\"namespace\":\"n\"");
    // Unions of arrays: the deepest recursion per nesting level in the checker.
    let unions = nested(
        (MAX_DEPTH - 1) / 2,
        r#"["null",{"type":"array","items":"#,
        "\"int\"",
        "}]",
    );
    for text in [arrays, records, unions] {
        let old = avro(&text, &[]);
        let new = avro(&text.replacen("\"int\"", "\"long\"", 1), &[]);
        match (old, new) {
            (Ok(old), Ok(new)) => {
                assert!(old.canonical().len() > 1000);
                assert!(!old.normalized().is_empty());
                assert!(
                    check(
                        CompatibilityLevel::FullTransitive,
                        &old,
                        &[&old],
                        &crate::common::STRICT
                    )
                    .is_compatible()
                );
                assert!(
                    check(
                        CompatibilityLevel::Backward,
                        &new,
                        &[&old],
                        &crate::common::STRICT
                    )
                    .is_compatible()
                );
                assert!(
                    !check(
                        CompatibilityLevel::Forward,
                        &new,
                        &[&old],
                        &crate::common::STRICT
                    )
                    .is_compatible()
                );
            }
            (old, new) => {
                // Records with the same name at every level are redefinitions; anything else is a bug.
                let message = old
                    .err()
                    .or(new.err())
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert_eq!(message, "Can't redefine: n.R");
            }
        }
    }
}

/// Every way of cutting a corpus schema short, and a set of byte-level mutations, must end in
/// `Ok` or `Err`, never a panic; whatever parses must print, normalize, check and reparse.
#[test]
fn mutated_corpus_schemas_never_panic() {
    let corpus = shared_json("conformance/library/corpus.json");
    let mut texts: Vec<String> = Vec::new();
    for entry in corpus["schemas"].as_array().into_iter().flatten() {
        if let Some(text) = entry["schema"].as_str().filter(|_| entry["type"] == "AVRO") {
            texts.push(text.to_owned());
        }
    }
    let mut inputs: Vec<String> = Vec::new();
    for text in &texts {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for &cut in &boundaries {
            inputs.push(text[..cut].to_owned());
            let mut without = text.clone();
            without.remove(cut);
            inputs.push(without);
        }
        for (from, to) in [
            ("\"int\"", "\"Int\""),
            ("\"int\"", "[]"),
            ("\"int\"", "{}"),
            ("\"int\"", "null"),
            ("\"int\"", "1e400"),
            ("\"string\"", "\"R\""),
            ("\"record\"", "\"error\""),
            ("\"record\"", "\"enum\""),
            ("\"record\"", "\"fixed\""),
            ("\"record\"", "\"array\""),
            ("\"fields\"", "\"symbols\""),
            ("\"name\"", "\"namespace\""),
            ("\"type\"", "\"default\""),
            ("[", "[["),
            ("{", "[{"),
            (":", ":-0,\"x\":"),
        ] {
            inputs.push(text.replacen(from, to, 1));
            inputs.push(text.replace(from, to));
        }
    }
    let mut parsed = 0;
    for input in &inputs {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            for validate in [true, false] {
                if let Ok(schema) =
                    accord_compat::parse(SchemaType::Avro, input, &[], &options(validate))
                {
                    let canonical = schema.canonical().to_owned();
                    let _ = schema.normalized();
                    let _ = check(
                        CompatibilityLevel::FullTransitive,
                        &schema,
                        &[&schema],
                        &crate::common::STRICT,
                    );
                    let again =
                        accord_compat::parse(SchemaType::Avro, &canonical, &[], &options(false))
                            .map(|s| s.canonical().to_owned());
                    assert_eq!(
                        again.as_deref(),
                        Ok(canonical.as_str()),
                        "canonical text reparses to itself"
                    );
                    parsed += 1;
                }
            }
        }));
        assert!(outcome.is_ok(), "panicked on {input:?}");
    }
    assert!(
        parsed > 100,
        "mutations should leave many valid schemas ({parsed})"
    );
}

#[test]
fn odd_inputs_are_errors_not_panics() {
    let limit = ParseOptions {
        validate: true,
        max_depth: 3,
    };
    for input in [
        "",
        " ",
        "/* only a comment */",
        "\u{feff}\"int\"",
        "nul",
        "\"\\ud800\"",
        "\"\\u12\"",
        "[1,]",
        "{\"type\"}",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[1]}",
        "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4294967296}",
        "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[1]}",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"order\":1}]}",
        "[]",
        "[[]]",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"R\",\"default\":{}}]}",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":[],\"default\":1}]}",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"double\",\"default\":\"x\"}]}",
        "12345678901234567890123",
        "-",
        "1.",
        "01",
        "\"\u{1}\"",
        "{\"a\":1,\"a\":2}",
        "[[[[\"int\"]]]]",
    ] {
        for options in [options(true), options(false), limit.clone()] {
            let outcome = catch_unwind(|| {
                accord_compat::parse(SchemaType::Avro, input, &[], &options).map(|s| s.normalized())
            });
            assert!(outcome.is_ok(), "panicked on {input:?}");
        }
    }
}

fn canonical(text: &str) -> Result<String, String> {
    avro(text, &[])
        .map(|s| s.canonical().to_owned())
        .map_err(|e| e.to_string())
}

/// Behaviours derived from the Java sources (Avro 1.11 `Schema`, Jackson) rather than recorded;
/// each one is a place where a naive JSON round trip would differ from Confluent.
#[test]
fn java_rendering_details() {
    let record = |field: &str| format!(r#"{{"type":"record","name":"R","fields":[{field}]}}"#);
    let cases: Vec<(String, Result<String, String>)> = vec![
        // Avro's Jackson allows comments; trailing content is checked on the raw text.
        ("/* c */ \"int\" // d".to_owned(), Err("dangling content after end of schema: // d".to_owned())),
        ("/* c */ [\"int\", // d\n\"null\"]".to_owned(), Ok(r#"["int","null"]"#.to_owned())),
        // Numbers print as Java prints them.
        (record(r#"{"name":"d","type":"double","default":1e10}"#), Ok(record(r#"{"name":"d","type":"double","default":1.0E10}"#))),
        (record(r#"{"name":"d","type":"double","default":0.0001}"#), Ok(record(r#"{"name":"d","type":"double","default":1.0E-4}"#))),
        (record(r#"{"name":"d","type":"double","default":"12.5"}"#), Ok(record(r#"{"name":"d","type":"double","default":12.5}"#))),
        (record(r#"{"name":"d","type":"float","default":"NaN"}"#), Ok(record(r#"{"name":"d","type":"float","default":"NaN"}"#))),
        (record(r#"{"name":"d","type":"double","default":"x"}"#), Err("For input string: \"x\"".to_owned())),
        (record(r#"{"name":"l","type":"long","default":-0}"#), Ok(record(r#"{"name":"l","type":"long","default":0}"#))),
        // Jackson escapes control characters with upper-case hex and nothing else.
        (record("{\"name\":\"s\",\"type\":\"string\",\"doc\":\"\\u001f/\\u00e9\"}"), Ok(record("{\"name\":\"s\",\"type\":\"string\",\"doc\":\"\\u001F/\u{e9}\"}"))),
        // A nested type without a namespace inside a namespaced record.
        (
            r#"{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"fixed","name":"F","namespace":"","size":1}}]}"#.to_owned(),
            Ok(r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"fixed","name":"F","namespace":"","size":1}}]}"#.to_owned()),
        ),
        // Names of types are written qualified even in their own namespace.
        (
            r#"{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"fixed","name":"int","size":1}},{"name":"y","type":"a.int"}]}"#.to_owned(),
            Ok(r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"fixed","name":"int","size":1}},{"name":"y","type":"a.int"}]}"#.to_owned()),
        ),
        // Duplicate keys: the last value wins at the first position.
        (r#"{"type":"int","x":1,"type":"long"}"#.to_owned(), Ok(r#"{"type":"long","x":1}"#.to_owned())),
        // {"type": "Name"} only searches the current namespace.
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"b","type":{"type":"E"}}]}"#.to_owned(),
            Ok(r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"b","type":"E"}]}"#.to_owned()),
        ),
        (record(r#"{"name":"a","type":"int","order":"Ignore"}"#), Ok(record(r#"{"name":"a","type":"int","order":"ignore"}"#))),
        (r#"{"type":"fixed","name":"F","size":2147483640}"#.to_owned(), Err("Cannot read arrays longer than 2147483639 bytes in Java library".to_owned())),
        (r#"["int",["null"]]"#.to_owned(), Err(r#"Nested union: ["int",["null"]]"#.to_owned())),
        ("\"1x\"".to_owned(), Err("Illegal initial character: 1x".to_owned())),
        (r#"{"type":"x-y"}"#.to_owned(), Err("Illegal character in: x-y".to_owned())),
        (r#"{"type":"Nope"}"#.to_owned(), Err("Type not supported: Nope".to_owned())),
        ("3".to_owned(), Err("Schema not yet supported: 3".to_owned())),
        ("".to_owned(), Err("Cannot parse <null> schema".to_owned())),
        (
            record(r#"{"name":"n","type":["R","null"],"default":{"n":null}}"#),
            Err("Schema fields not set yet".to_owned()),
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let actual = canonical(input);
            (&actual != expected)
                .then(|| format!("{input}\n   actual: {actual:?}\n expected: {expected:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Default values are validated only when asked (Confluent: new schemas with normalize=true).
#[test]
fn default_validation_is_optional() {
    let text =
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":null}]}"#;
    let lenient =
        accord_compat::parse(SchemaType::Avro, text, &[], &options(false)).expect("lenient parse");
    assert_eq!(lenient.canonical(), text);
    // Confluent's normalized form drops a default that does not convert to the field's type.
    assert_eq!(
        lenient.normalized(),
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":null}]}"#
    );
    let strict = accord_compat::parse(SchemaType::Avro, text, &[], &options(true));
    assert_eq!(
        strict.err().map(|e| e.to_string()).as_deref(),
        Some(r#"Invalid default for field a: null not a "int""#)
    );
}

/// Normalization: sorted properties and aliases, full names resolved again, converted defaults.
#[test]
fn normalized_form_details() {
    let cases = [
        (
            r#"{"type":"record","name":"R","namespace":"n","aliases":["z","b.Y","a"],"fields":[{"name":"f","type":"float","default":1,"aliases":["q","p"]}],"zz":1,"aa":2}"#,
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"f","type":"float","default":1.0,"aliases":["p","q"]}],"aa":2,"zz":1,"aliases":["b.Y","a","z"]}"#,
        ),
        (
            r#"{"type":"long","connect.version":1,"logicalType":"timestamp-millis"}"#,
            r#"{"type":"long","logicalType":"timestamp-millis","connect.version":1}"#,
        ),
        (
            r#"{"type":"record","name":"R","doc":"","fields":[{"name":"b","type":"bytes","default":"\u20ac"}]}"#,
            r#"{"type":"record","name":"R","fields":[{"name":"b","type":"bytes","default":"?"}]}"#,
        ),
    ];
    for (input, expected) in cases {
        let schema = avro(input, &[]).expect(input);
        assert_eq!(schema.normalized(), expected, "{input}");
    }
}

/// Wide schemas (many fields, symbols, aliases, a big default) are handled in linear time, so a
/// large request body cannot turn into quadratic work.
#[test]
fn wide_schemas_stay_linear() {
    const WIDTH: usize = 20_000;
    let fields: Vec<String> = (0..WIDTH)
        .map(|i| format!(r#"{{"name":"f{i}","type":"int","aliases":["a{i}"]}}"#))
        .collect();
    let record = format!(
        r#"{{"type":"record","name":"R","fields":[{}]}}"#,
        fields.join(",")
    );
    let symbols: Vec<String> = (0..WIDTH).map(|i| format!("\"S{i}\"")).collect();
    let enumeration = format!(
        r#"{{"type":"enum","name":"E","symbols":[{}]}}"#,
        symbols.join(",")
    );
    let default_members: Vec<String> = (0..WIDTH).map(|i| format!("\"f{i}\":1")).collect();
    let with_default = format!(
        r#"{{"type":"record","name":"W","fields":[{{"name":"r","type":{record},"default":{{{}}}}}]}}"#,
        default_members.join(",")
    );
    for text in [record, enumeration, with_default, union(500)] {
        let schema = avro(&text, &[]).expect("wide schema parses");
        assert!(
            check(
                CompatibilityLevel::Full,
                &schema,
                &[&schema],
                &crate::common::STRICT
            )
            .is_compatible()
        );
        assert!(!schema.normalized().is_empty());
    }
}

fn union(width: usize) -> String {
    let branches: Vec<String> = (0..width)
        .map(|i| format!(r#"{{"type":"fixed","name":"F{i}","size":1}}"#))
        .collect();
    format!("[{}]", branches.join(","))
}

/// Union against union is quadratic in Java's algorithm; past a work budget the check gives up
/// with an explicit violation instead of keeping the request busy.
#[test]
fn quadratic_union_checks_are_bounded() {
    let wide = avro(&union(20_000), &[]).expect("wide union parses");
    let report = check(
        CompatibilityLevel::Backward,
        &wide,
        &[&wide],
        &crate::common::STRICT,
    );
    let violations = &report.incompatibilities[0].violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].rule, "CHECK_TOO_COMPLEX");
}
