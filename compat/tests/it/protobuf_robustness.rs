//! Bad and hostile Protobuf input: every error names the compiler's location and reason, and huge
//! or deeply nested files neither crash nor hang.

use std::time::{Duration, Instant};

use accord_compat::{CompatibilityLevel, ParseOptions, Reference, SchemaError, SchemaType, check};

use crate::common::STRICT;
use crate::common::protobuf;

fn rejected(text: &str, references: &[Reference]) -> String {
    match protobuf(text, references) {
        Ok(schema) => panic!("accepted:\n{}", schema.canonical()),
        Err(error) => error.to_string(),
    }
}

#[test]
fn syntax_errors_name_line_column_and_reason() {
    assert_eq!(
        rejected("message {", &[]),
        "Could not parse Protobuf - Syntax error in :1:9: expected a word"
    );
    let error = rejected(
        "syntax = \"proto3\";\nmessage A {\n  string a = ;\n}\n",
        &[],
    );
    assert!(error.contains(":3:14:"), "{error}");
    let error = rejected(
        "syntax = \"proto3\";\nmessage A { required string a = 1; }\n",
        &[],
    );
    assert!(
        error.ends_with(":2:13: 'required' label forbidden in proto3 field declarations"),
        "{error}"
    );
    let error = rejected(
        "syntax = \"proto3\";\nmessage A { string a = 1; /* open",
        &[],
    );
    assert!(error.contains("unterminated comment"), "{error}");
    let error = rejected("syntax = \"proto4\";", &[]);
    assert!(error.contains(":1:10:"), "{error}");
}

#[test]
fn unknown_types_and_missing_imports_are_rejected_when_used() {
    assert_eq!(
        rejected("syntax = \"proto3\";\nmessage A { Missing m = 1; }\n", &[]),
        "Could not resolve type: Missing at 2:13 (field m of message A)"
    );
    assert_eq!(
        rejected(
            "syntax = \"proto3\";\nimport \"nope.proto\";\nmessage A { nope.X x = 1; }\n",
            &[]
        ),
        "Could not resolve type: nope.X at 3:13 (field x of message A)"
    );
    assert_eq!(
        rejected(
            "syntax = \"proto3\";\nmessage A {\n  message B {\n    map<string, Nope> m = 1;\n  }\n}\n",
            &[]
        ),
        "Could not resolve type: Nope at 4:5 (field m of message A.B)"
    );
    assert_eq!(
        rejected(
            "syntax = \"proto3\";\nmessage A {}\nservice S { rpc R (A) returns (B); }\n",
            &[]
        ),
        "Could not resolve type: B at 3:17 (rpc R)"
    );
    // Confluent accepts an import nobody uses (the library's `proto-missing-import`).
    assert!(
        protobuf(
            "syntax = \"proto3\";\nimport \"nope.proto\";\nmessage A {}\n",
            &[]
        )
        .is_ok()
    );
}

#[test]
fn descriptor_errors_name_the_declaration_and_its_location() {
    let cases = [
        (
            "message A {\n  string a = 1;\n  string b = 1;\n}\n",
            "field number 1 is used by both a and b in message A at 4:3",
        ),
        (
            "message A {\n  string a = 1;\n  oneof o {\n    string b = 1;\n  }\n}\n",
            "field number 1 is used by both a and b in message A at 5:5",
        ),
        (
            "message A {\n  string a = 1;\n  int32 a = 2;\n}\n",
            "field a is declared twice in message A at 4:3",
        ),
        (
            "message A {}\nmessage B {}\nenum A { X = 0; }\n",
            "type A is declared twice at 4:6",
        ),
        (
            "message A {\n  message N {}\n  message N {}\n}\n",
            "type N is declared twice in message A at 4:11",
        ),
        (
            "message A {\n  string a = 0;\n}\n",
            "field a has number 0, outside 1..=536870911 in message A at 3:3",
        ),
        (
            "message A {\n  string a = 536870912;\n}\n",
            "field a has number 536870912, outside 1..=536870911 in message A at 3:3",
        ),
        (
            "message A {\n  string a = 19500;\n}\n",
            "field a has number 19500, which protobuf reserves (19000..=19999) in message A at 3:3",
        ),
    ];
    for (body, expected) in cases {
        let text = format!("syntax = \"proto3\";\n{body}");
        assert_eq!(rejected(&text, &[]), expected, "{text}");
    }
    // The same rules apply to a schema registered as a base64 `FileDescriptorProto` (here
    // `message A { string a = 1; string b = 1; }`), which has no location to name.
    assert_eq!(
        rejected(
            "CglkdXAucHJvdG8iGQoBQRIJCgFhGAEgASgJEgkKAWIYASABKAliBnByb3RvMw==",
            &[]
        ),
        "field number 1 is used by both a and b in message A"
    );
}

#[test]
fn import_cycles_are_rejected() {
    let references = [
        Reference {
            name: "a.proto".into(),
            text: "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A {}\n".into(),
        },
        Reference {
            name: "b.proto".into(),
            text: "syntax = \"proto3\";\nimport \"a.proto\";\nmessage B {}\n".into(),
        },
    ];
    let error = rejected(
        "syntax = \"proto3\";\nimport \"a.proto\";\nmessage M { A a = 1; }\n",
        &references,
    );
    assert_eq!(error, "import cycle: a.proto -> b.proto -> a.proto");
}

#[test]
fn imported_types_resolve_and_are_diffed() {
    let dependency = |field: &str| Reference {
        name: "dep.proto".into(),
        text: format!("syntax = \"proto3\";\npackage d;\nmessage D {{ {field} x = 1; }}\n"),
    };
    let text =
        "syntax = \"proto3\";\npackage m;\nimport \"dep.proto\";\nmessage M { d.D d = 1; }\n";
    let old = protobuf(text, &[dependency("string")]).unwrap();
    let new = protobuf(text, &[dependency("int32")]).unwrap();
    let report = check(CompatibilityLevel::Backward, &new, &[&old], &STRICT);
    let rules: Vec<(&str, &str)> = report.incompatibilities[0]
        .violations
        .iter()
        .map(|v| (v.rule.as_str(), v.path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("FIELD_SCALAR_KIND_CHANGED", "#/D/1"),
            ("FIELD_NAMED_TYPE_CHANGED", "#/M/1")
        ]
    );
}

#[test]
fn ten_thousand_messages_parse_print_and_check_quickly() {
    let mut text = String::from("syntax = \"proto3\";\npackage big;\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "message M{i} {{ string a = 1; M{} next = 2; }}\n",
            (i + 1) % 10_000
        ));
    }
    let start = Instant::now();
    let schema = protobuf(&text, &[]).unwrap();
    assert!(schema.normalized().contains(".big.M1 next = 2;"));
    let report = check(CompatibilityLevel::Full, &schema, &[&schema], &STRICT);
    assert!(report.is_compatible());
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn deep_nesting_is_bounded_by_max_depth() {
    let depth = 100_000;
    let mut text = String::from("syntax = \"proto3\";\n");
    for i in 0..depth {
        text.push_str(&format!("message M{i} {{ "));
    }
    text.push_str(&"}".repeat(depth));
    let options = ParseOptions {
        validate: true,
        max_depth: 64,
    };
    assert_eq!(
        accord_compat::parse(SchemaType::Protobuf, &text, &[], &options).unwrap_err(),
        SchemaError::TooDeep { limit: 64 }
    );
    let aggregate = format!(
        "syntax = \"proto3\";\noption (x) = {}1{};\n",
        "{ a: ".repeat(depth),
        " }".repeat(depth)
    );
    assert_eq!(
        accord_compat::parse(SchemaType::Protobuf, &aggregate, &[], &options).unwrap_err(),
        SchemaError::TooDeep { limit: 64 }
    );
    let mut nested = String::from("syntax = \"proto3\";\n");
    for i in 0..60 {
        nested.push_str(&format!("message M{i} {{ M{i} self = 1; "));
    }
    nested.push_str(&"}".repeat(60));
    let schema = accord_compat::parse(SchemaType::Protobuf, &nested, &[], &options).unwrap();
    assert!(
        check(
            CompatibilityLevel::FullTransitive,
            &schema,
            &[&schema],
            &STRICT
        )
        .is_compatible()
    );
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\"",
        "'abc",
        "message",
        "message A { map<",
        "message A { string a = 99999999999999999999; }",
        "enum E { A = -0x; }",
        "option (a).b.c = { x [ { y: < z: 1 > } ] };",
        "syntax = \"proto3\"; message A { oneof o { option x = 1; } }",
        "service S { rpc A (stream) returns (B) { option x = 1 } }",
        "message A { reserved 1 to max, \"x\"; extensions 5 to max; }",
        "\u{0}\u{1}\u{ffff}",
    ] {
        let _ = protobuf(text, &[]);
    }
}

#[test]
fn nesting_up_to_the_limit_parses_prints_and_checks() {
    // Whatever the configured limit, messages nest at most 100 deep.
    let nested = |depth: usize| {
        let mut text = String::from("syntax = \"proto3\";\n");
        for i in 0..depth {
            text.push_str(&format!("message M{i} {{ int32 f = 1; M{i} s = 2; "));
        }
        text + &"}".repeat(depth)
    };
    let schema = protobuf(&nested(100), &[]).unwrap();
    assert!(schema.normalized().contains(".M0.M1.M2"));
    assert!(check(CompatibilityLevel::Full, &schema, &[&schema], &STRICT).is_compatible());
    assert_eq!(
        protobuf(&nested(101), &[]).unwrap_err(),
        SchemaError::TooDeep { limit: 100 }
    );
}

#[test]
fn long_chains_of_imported_types_do_not_overflow() {
    // Import chains deeper than the nesting limit are rejected.
    let imports: Vec<Reference> = (0..200)
        .rev()
        .map(|i| Reference {
            name: format!("f{i}.proto"),
            text: format!("syntax = \"proto3\";\nimport \"f{}.proto\";\n", i + 1),
        })
        .collect();
    let text = "syntax = \"proto3\";\nimport \"f0.proto\";\nmessage M {}\n";
    assert_eq!(
        protobuf(text, &imports).unwrap_err(),
        SchemaError::TooDeep { limit: 100 }
    );
    // A chain of 5,000 imported message types, each holding the next, changed at the far end:
    // the diff follows imported types 64 deep, and the change at depth 2 is found.
    let dependency = |far: &str, near: &str| {
        let mut text = String::from("syntax = \"proto3\";\npackage d;\n");
        text.push_str(&format!("message T0 {{ T1 next = 1; {near} v = 2; }}\n"));
        for i in 1..5000 {
            text.push_str(&format!("message T{i} {{ T{} next = 1; }}\n", i + 1));
        }
        text.push_str(&format!("message T5000 {{ {far} v = 2; }}\n"));
        Reference {
            name: "d.proto".into(),
            text,
        }
    };
    let text = "syntax = \"proto3\";\nimport \"d.proto\";\nmessage M { d.T0 t = 1; }\n";
    let old = protobuf(text, &[dependency("string", "string")]).unwrap();
    let new = protobuf(text, &[dependency("int32", "string")]).unwrap();
    assert!(check(CompatibilityLevel::Backward, &new, &[&old], &STRICT).is_compatible());
    let new = protobuf(text, &[dependency("int32", "int32")]).unwrap();
    assert!(!check(CompatibilityLevel::Backward, &new, &[&old], &STRICT).is_compatible());
}

#[test]
fn imported_types_reachable_along_many_paths_do_not_hang() {
    // Each type holds the next one twice: 2^60 paths to the last type.
    let dependency = |kind: &str| {
        let mut text = String::from("syntax = \"proto3\";\npackage d;\n");
        for i in 0..60 {
            text.push_str(&format!(
                "message T{i} {{ T{n} a = 1; T{n} b = 2; }}\n",
                n = i + 1
            ));
        }
        text.push_str(&format!("message T60 {{ {kind} v = 1; }}\n"));
        Reference {
            name: "d.proto".into(),
            text,
        }
    };
    let text = "syntax = \"proto3\";\nimport \"d.proto\";\nmessage M { d.T0 t = 1; }\n";
    let old = protobuf(text, &[dependency("string")]).unwrap();
    let new = protobuf(text, &[dependency("int32")]).unwrap();
    let start = Instant::now();
    assert!(!check(CompatibilityLevel::Full, &new, &[&old], &STRICT).is_compatible());
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn random_text_and_random_descriptors_never_panic() {
    const ALPHABET: &[&str] = &[
        "message ",
        "enum ",
        "oneof ",
        "map<",
        ">",
        ",",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "=",
        ";",
        "\"s\"",
        "1",
        "-2",
        "0x1f",
        "max",
        " to ",
        "option ",
        "reserved ",
        "extensions ",
        "repeated ",
        "optional ",
        "required ",
        "syntax = \"proto2\";",
        "syntax = \"proto3\";",
        "import \"google/protobuf/any.proto\";",
        "service ",
        "rpc ",
        "returns ",
        "stream ",
        "extend ",
        "A",
        "B.C",
        ".p.A",
        "string ",
        "int32 ",
        ":",
        "<",
        "//c\n",
        "/*",
        "*/",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        if let Ok(schema) = protobuf(&text, &[]) {
            let _ = schema.normalized();
            let _ = check(CompatibilityLevel::Full, &schema, &[&schema], &STRICT);
        }
    }
    use base64::Engine;
    for _ in 0..3000 {
        let len = (next() % 64) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // A name field first, so that the bytes get past the descriptor sniffing.
        bytes.splice(0..0, [0x0a, 0x01, b'x']);
        let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
        if let Ok(schema) = protobuf(&text, &[]) {
            let _ = schema.normalized();
            let _ = check(CompatibilityLevel::Full, &schema, &[&schema], &STRICT);
        }
    }
}
