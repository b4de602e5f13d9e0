//! JSON Schema bad input and `$ref` resolution: deep nesting, references that would need a fetch,
//! reference cycles and meta-schema violations are clear errors (never a stack overflow, a hang or
//! a fetch); references given as data, `$id`s and recursive schemas work; LENIENT is honoured.

use accord_compat::{
    CheckOptions, CompatReport, CompatibilityLevel, CompatibilityPolicy, ParsedSchema, Reference,
    SchemaError, SchemaType, check,
};

use crate::common::options;

fn json(text: &str, references: &[Reference]) -> Result<ParsedSchema, SchemaError> {
    accord_compat::parse(SchemaType::Json, text, references, &options(true))
}

fn invalid(text: &str) -> String {
    match json(text, &[]) {
        Err(SchemaError::Invalid(message)) => message,
        other => panic!("{text}: expected Invalid, got {other:?}"),
    }
}

fn reference(name: &str, text: &str) -> Reference {
    Reference {
        name: name.to_owned(),
        text: text.to_owned(),
    }
}

const STRICT: CheckOptions = CheckOptions {
    policy: CompatibilityPolicy::Strict,
};
const LENIENT: CheckOptions = CheckOptions {
    policy: CompatibilityPolicy::Lenient,
};

/// Every violation of `report` as `RULE path`.
fn rule_paths(report: &CompatReport) -> Vec<String> {
    report
        .incompatibilities
        .iter()
        .flat_map(|i| {
            i.violations
                .iter()
                .map(|v| format!("{} {}", v.rule, v.path))
        })
        .collect()
}

fn rules(level: CompatibilityLevel, new: &str, old: &str, options: &CheckOptions) -> Vec<String> {
    let new = json(new, &[]).expect("new parses");
    let old = json(old, &[]).expect("old parses");
    rule_paths(&check(level, &new, &[&old], options))
}

#[test]
fn thousand_level_nesting_is_too_deep_not_a_stack_overflow() {
    let nested_not = format!("{}{{}}{}", r#"{"not":"#.repeat(1000), "}".repeat(1000));
    let nested_array = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    let nested_items = format!(
        "{}{}",
        r#"{"type":"array","items":"#.repeat(1000),
        "}".repeat(1000)
    );
    for text in [nested_not, nested_array, nested_items] {
        let error = json(&text, &[]).expect_err("too deep");
        assert!(matches!(error, SchemaError::TooDeep { .. }), "{error:?}");
    }
    let huge_limit = accord_compat::ParseOptions {
        validate: true,
        max_depth: usize::MAX,
    };
    let text = format!(
        "{}{{}}{}",
        r#"{"not":"#.repeat(100_000),
        "}".repeat(100_000)
    );
    let error = accord_compat::parse(SchemaType::Json, &text, &[], &huge_limit).expect_err("deep");
    assert!(matches!(error, SchemaError::TooDeep { .. }), "{error:?}");
}

#[test]
fn nesting_within_the_limit_parses_and_compares() {
    let text = format!(
        "{}{{}}{}",
        r#"{"type":"object","properties":{"a":"#.repeat(60),
        "}}".repeat(60)
    );
    let schema = json(&text, &[]).expect("60 levels of properties parse");
    for level in CompatibilityLevel::ALL {
        assert!(check(level, &schema, &[&schema], &STRICT).is_compatible());
    }
    // The deepest documents accepted, through every recursive keyword the diff follows.
    for (open, close) in [
        (r#"{"not":"#, "}"),
        (r#"{"items":"#, "}"),
        (r#"{"anyOf":["#, "]}"),
        (r#"{"additionalProperties":"#, "}"),
    ] {
        let depth = if open.ends_with('[') { 60 } else { 120 };
        let old = format!("{}{{}}{}", open.repeat(depth), close.repeat(depth));
        let new = format!(
            "{}{{\"type\":\"string\"}}{}",
            open.repeat(depth),
            close.repeat(depth)
        );
        let old = json(&old, &[]).expect("old parses");
        let new = json(&new, &[]).expect("new parses");
        for level in CompatibilityLevel::ALL {
            let _ = check(level, &new, &[&old], &STRICT);
        }
    }
}

#[test]
fn refs_that_would_need_a_fetch_are_rejected() {
    for target in [
        "http://example.com/schema.json",
        "https://example.com/schema.json#/definitions/a",
        "file:///etc/passwd",
        "other.json",
    ] {
        let text = format!(r#"{{"type":"object","properties":{{"a":{{"$ref":"{target}"}}}}}}"#);
        let message = invalid(&text);
        assert!(message.starts_with("Invalid JSON Schema"), "{message}");
        assert!(
            message.contains("$ref") && message.contains(target),
            "{message}"
        );
        assert!(message.contains("nothing is fetched"), "{message}");
    }
}

#[test]
fn reference_cycles_are_rejected() {
    for text in [
        r##"{"$ref":"#"}"##,
        r##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}"##,
        r##"{"allOf":[{"$ref":"#"}]}"##,
        r##"{"definitions":{"a":{"anyOf":[{"$ref":"#/definitions/a"},{"type":"string"}]}},"properties":{"x":{"$ref":"#/definitions/a"}}}"##,
    ] {
        let message = invalid(text);
        assert!(message.contains("reference cycle"), "{text}: {message}");
    }
}

#[test]
fn reference_cycles_across_given_references_are_rejected() {
    let references = [
        reference("a.json", r#"{"$ref":"b.json"}"#),
        reference("b.json", r#"{"$ref":"a.json"}"#),
    ];
    let error = json(r#"{"$ref":"a.json"}"#, &references).expect_err("cycle");
    assert!(error.to_string().contains("reference cycle"), "{error}");
}

#[test]
fn recursion_through_properties_is_accepted_and_terminates() {
    let old = r##"{"definitions":{"node":{"type":"object","properties":{"value":{"type":"integer"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##;
    let new = r##"{"definitions":{"node":{"type":"object","properties":{"value":{"type":"number"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##;
    assert_eq!(
        rules(CompatibilityLevel::Backward, new, old, &STRICT),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(CompatibilityLevel::Forward, new, old, &STRICT),
        vec!["TYPE_NARROWED #/properties/value"]
    );
}

#[test]
fn meta_schema_errors_name_the_keyword_and_path() {
    for (text, keyword, path) in [
        (
            r#"{"type":"object","properties":{"a":{"type":"strin"}}}"#,
            "type",
            "#/properties/a/type",
        ),
        (
            r#"{"type":"object","required":"a"}"#,
            "required",
            "#/required",
        ),
        (r#"{"minimum":"x"}"#, "minimum", "#/minimum"),
        (
            r#"{"items":[{"maxLength":-1}]}"#,
            "maxLength",
            "#/items/0/maxLength",
        ),
        (r#"{"pattern":"(a"}"#, "pattern", "#/pattern"),
        (
            r#"{"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMaximum":5}"#,
            "exclusiveMaximum",
            "#/exclusiveMaximum",
        ),
        (r#"{"$ref":5}"#, "$ref", "#/$ref"),
    ] {
        let message = invalid(text);
        assert!(
            message.contains(&format!("keyword '{keyword}' at '{path}'")),
            "{text}: {message}"
        );
    }
}

#[test]
fn every_dialect_parses() {
    for uri in [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    ] {
        let text = format!(
            r#"{{"$schema":"{uri}","type":"object","properties":{{"a":{{"type":"string"}}}}}}"#
        );
        json(&text, &[]).unwrap_or_else(|e| panic!("{uri}: {e}"));
    }
    // Boolean subschemas do not exist in draft-04.
    invalid(r#"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":true}}"#);
}

#[test]
fn references_given_as_data_resolve_and_are_compared() {
    let old_refs = [reference(
        "customer.json",
        r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#,
    )];
    let new_refs = [reference(
        "customer.json",
        r#"{"type":"object","properties":{"id":{"type":"string"}}}"#,
    )];
    let text = r#"{"type":"object","properties":{"c":{"$ref":"customer.json"}}}"#;
    let old = json(text, &old_refs).expect("old parses");
    let new = json(text, &new_refs).expect("new parses");
    let report = check(CompatibilityLevel::Backward, &new, &[&old], &STRICT);
    let found = rule_paths(&report);
    assert_eq!(found, vec!["TYPE_CHANGED #/properties/c/properties/id"]);
    // A fragment into a reference, and a reference named by its absolute URI.
    let refs = [reference(
        "http://example.com/defs.json",
        r#"{"definitions":{"id":{"type":"integer"}}}"#,
    )];
    json(
        r#"{"$id":"http://example.com/root.json","properties":{"a":{"$ref":"defs.json#/definitions/id"}}}"#,
        &refs,
    )
    .expect("relative reference against $id resolves");
}

#[test]
fn id_and_anchor_refs_resolve() {
    json(
        r##"{"$id":"http://example.com/root.json","definitions":{"x":{"$id":"item.json","type":"string"}},"properties":{"a":{"$ref":"item.json"}}}"##,
        &[],
    )
    .expect("$id-based reference resolves");
    json(
        r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"x":{"$anchor":"thing","type":"string"}},"properties":{"a":{"$ref":"#thing"}}}"##,
        &[],
    )
    .expect("$anchor reference resolves");
}

#[test]
fn lenient_policy_accepts_what_strict_rejects() {
    let old = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let new = r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}"#;
    assert_eq!(
        rules(CompatibilityLevel::Backward, new, old, &STRICT),
        vec!["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"]
    );
    assert!(rules(CompatibilityLevel::Backward, new, old, &LENIENT).is_empty());
}

#[test]
fn odd_input_never_panics() {
    let texts = [
        "",
        " ",
        "[]",
        "{}",
        "true",
        "false",
        "0",
        "\"s\"",
        r#"{"type":[]}"#,
        r#"{"type":["string","integer"],"minLength":1,"minimum":2}"#,
        r#"{"items":[true,false,{}],"additionalItems":false}"#,
        r#"{"enum":[],"const":null,"not":false}"#,
        r##"{"$ref":"#/definitions/%zz"}"##,
        r##"{"$ref":"#/definitions/a~2b"}"##,
        r#"{"patternProperties":{"(?<=x)":{}},"properties":{"x":{}}}"#,
        r#"{"dependencies":{"a":{},"b":["a"]},"dependentRequired":{"c":[]}}"#,
        r#"{"multipleOf":0.5}"#,
        r#"{"multipleOf":1e308,"maximum":-1e308}"#,
        r#"{"prefixItems":[{}],"$schema":"https://json-schema.org/draft/2020-12/schema"}"#,
        r#"{"unevaluatedProperties":false,"unevaluatedItems":{"type":"string"}}"#,
        r#"{"if":{},"then":{},"else":{}}"#,
        r#"{"allOf":[],"anyOf":[{}],"oneOf":[{},{}]}"#,
    ];
    let parsed: Vec<ParsedSchema> = texts.iter().filter_map(|t| json(t, &[]).ok()).collect();
    assert!(parsed.len() > 10, "most odd texts are valid schemas");
    for new in &parsed {
        for old in &parsed {
            for level in CompatibilityLevel::ALL {
                for options in [&STRICT, &LENIENT] {
                    let _ = check(level, new, &[old], options);
                }
            }
        }
    }
}

#[test]
fn connect_bytes_schemas_of_different_shapes_are_not_a_type_change() {
    let old = r#"{"type":"string","connect.type":"bytes"}"#;
    let new = r#"{"type":"array","items":{"type":"integer"},"connect.type":"bytes"}"#;
    assert!(rules(CompatibilityLevel::Full, new, old, &STRICT).is_empty());
    let plain = r#"{"type":"array","items":{"type":"integer"}}"#;
    assert_eq!(
        rules(CompatibilityLevel::Backward, plain, old, &STRICT),
        vec!["TYPE_CHANGED #/"]
    );
}

#[test]
fn recursion_through_not_terminates_without_giving_up() {
    let text = r##"{"type":"object","properties":{"x":{"not":{"$ref":"#"}}}}"##;
    for level in CompatibilityLevel::ALL {
        assert!(rules(level, text, text, &STRICT).is_empty(), "{level:?}");
    }
}
