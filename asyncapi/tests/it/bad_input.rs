//! Done-when 5: hostile input gives a clear error or diagnostic with a rule code, in bounded
//! time, never a crash.

use std::time::{Duration, Instant};

use accord_asyncapi::{
    LoadOptions, NoExternals, ParseError, ParseOptions, Severity, load, parse, rules,
};

/// Generous for a debug build on a shared two-core machine; the point is "not expanded".
const QUICK: Duration = Duration::from_secs(5);

fn parse_quickly(
    text: &str,
    options: &ParseOptions,
) -> Result<accord_asyncapi::Parsed, ParseError> {
    let start = Instant::now();
    let result = parse(text, options);
    assert!(
        start.elapsed() < QUICK,
        "parsing took {:?}",
        start.elapsed()
    );
    result
}

fn load_rule(text: &str) -> &'static str {
    let loaded = load(text, &LoadOptions::recommended("doc.yaml"), &NoExternals);
    assert!(loaded.document.is_none());
    let d = loaded.diagnostics.first().expect("a diagnostic");
    assert_eq!(d.severity, Severity::Error);
    d.rule
}

#[test]
fn yaml_alias_bomb_is_refused_not_expanded() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    let err = parse_quickly(&text, &ParseOptions::recommended()).expect_err("alias bomb refused");
    assert!(
        matches!(
            err,
            ParseError::AliasBudget { .. } | ParseError::Budget { .. }
        ),
        "unexpected error: {err}"
    );
    assert!(
        err.to_string().contains("alias") || err.to_string().contains("budget"),
        "{err}"
    );
    assert!(matches!(
        load_rule(&text),
        rules::YAML_ALIAS_BUDGET | rules::DOCUMENT_BUDGET
    ));
}

#[test]
fn a_few_aliases_are_fine() {
    let text = "asyncapi: 2.6.0\ninfo: &i {title: t, version: '1'}\nx-copy: *i\nchannels: {}\n";
    let parsed = parse(text, &ParseOptions::recommended()).expect("aliases within budget");
    assert_eq!(parsed.value["x-copy"]["title"], "t");
}

fn assert_too_deep(text: &str, options: &ParseOptions) {
    let err = parse_quickly(text, options).expect_err("deep nesting refused");
    assert!(
        matches!(err, ParseError::TooDeep { limit: 128, .. }),
        "unexpected error: {err}"
    );
    assert_eq!(err.rule(), rules::DOCUMENT_TOO_DEEP);
    assert!(err.position().is_some(), "a position for {err}");
}

#[test]
fn ten_thousand_levels_of_yaml_flow_nesting_are_refused() {
    let n = 10_000;
    let text = format!("{}1{}", "a: {".repeat(n), "}".repeat(n));
    assert_too_deep(&text, &ParseOptions::recommended());
    assert_eq!(load_rule(&text), rules::DOCUMENT_TOO_DEEP);
}

#[test]
fn ten_thousand_levels_of_yaml_block_nesting_are_refused() {
    // Compact block sequences: `- - - … x`.
    let text = format!("{}x\n", "- ".repeat(10_000));
    assert_too_deep(&text, &ParseOptions::recommended());
    // Block mappings, one more space per level (50 MB of indentation: raise the size limit
    // so the depth limit is what stops it).
    let mut text = String::new();
    for level in 0..10_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    let mut options = ParseOptions::recommended();
    options.max_bytes = 64 * 1024 * 1024;
    assert_too_deep(&text, &options);
}

#[test]
fn ten_thousand_levels_of_json_nesting_are_refused() {
    let n = 10_000;
    let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    assert_too_deep(&objects, &ParseOptions::recommended());
    let arrays = format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_too_deep(&arrays, &ParseOptions::recommended());
    assert_eq!(load_rule(&objects), rules::DOCUMENT_TOO_DEEP);
}

#[test]
fn duplicate_keys_are_errors_in_yaml_and_json() {
    let yaml = "asyncapi: 2.6.0\ninfo:\n  title: a\n  title: b\n  version: '1'\nchannels: {}\n";
    let err = parse(yaml, &ParseOptions::recommended()).expect_err("duplicate key");
    assert!(
        matches!(err, ParseError::DuplicateKey { line: 4, .. }),
        "unexpected error: {err:?}"
    );
    assert_eq!(load_rule(yaml), rules::DUPLICATE_KEY);
    let json = r#"{"asyncapi": "2.6.0", "asyncapi": "3.0.0", "info": {}}"#;
    let err = parse(json, &ParseOptions::recommended()).expect_err("duplicate key");
    assert_eq!(err.rule(), rules::DUPLICATE_KEY);
}

fn external_ref_document(reference: &str) -> String {
    format!(
        "asyncapi: 2.6.0\ninfo:\n  title: t\n  version: '1'\nchannels:\n  c:\n    publish:\n      message:\n        $ref: '{reference}'\n"
    )
}

#[test]
fn http_and_file_refs_are_reported_never_fetched() {
    for reference in [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/schemas/user.json#/User",
        "file:///etc/passwd",
    ] {
        let loaded = load(
            &external_ref_document(reference),
            &LoadOptions::recommended("doc.yaml"),
            &NoExternals,
        );
        assert!(!loaded.is_valid());
        let d = loaded
            .diagnostics
            .iter()
            .find(|d| d.rule == rules::EXTERNAL_REF_NOT_FETCHED)
            .unwrap_or_else(|| panic!("{reference} reported: {:?}", loaded.diagnostics));
        assert_eq!(d.pointer, "/channels/c/publish/message");
        assert_eq!(d.line, Some(9));
        assert!(
            d.message.contains(reference) && d.message.contains("never fetched"),
            "{}",
            d.message
        );
        // Nothing was read: the message is still the reference.
        let doc = loaded.document.expect("the document loads");
        assert_eq!(
            doc.resolved["channels"]["c"]["publish"]["message"]["$ref"],
            reference
        );
    }
}

#[test]
fn a_20_mib_document_is_refused_by_size() {
    let mut text = String::from(
        "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels: {}\nx-padding: \"",
    );
    text.push_str(&"x".repeat(20 * 1024 * 1024));
    text.push_str("\"\n");
    let err = parse_quickly(&text, &ParseOptions::recommended()).expect_err("too large");
    assert_eq!(
        err,
        ParseError::TooLarge {
            size: text.len(),
            limit: 16 * 1024 * 1024
        }
    );
    assert!(err.to_string().contains("over the limit"), "{err}");
    assert_eq!(load_rule(&text), rules::DOCUMENT_TOO_LARGE);
}

#[test]
fn a_large_document_within_limits_loads_in_bounded_time() {
    let mut text = String::from("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "  topic.{i}:\n    subscribe:\n      operationId: op{i}\n      message:\n        payload: {{type: object, properties: {{id: {{type: string}}}}}}\n"
        ));
    }
    let start = Instant::now();
    let loaded = load(&text, &LoadOptions::recommended("big.yaml"), &NoExternals);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics.first());
    assert_eq!(
        loaded.document.expect("document").model.channels.len(),
        5_000
    );
}

#[test]
fn reference_dag_bomb_stops_at_the_resolution_budget() {
    // Each level references the previous one ten times: 10^8 nodes if fully inlined.
    let mut text = String::from(
        "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels: {}\ncomponents:\n  schemas:\n    s0: {type: string}\n",
    );
    for level in 1..=8 {
        let props: Vec<String> = (0..10)
            .map(|i| format!("p{i}: {{$ref: '#/components/schemas/s{}'}}", level - 1))
            .collect();
        text.push_str(&format!(
            "    s{level}: {{type: object, properties: {{{}}}}}\n",
            props.join(", ")
        ));
    }
    let start = Instant::now();
    let mut options = LoadOptions::recommended("dag.yaml");
    options.max_resolved_nodes = 20_000;
    let loaded = load(&text, &options, &NoExternals);
    assert!(start.elapsed() < QUICK * 2, "took {:?}", start.elapsed());
    crate::assert_reports(&loaded.diagnostics, rules::REF_BUDGET);
}

#[test]
fn cyclic_references_terminate() {
    let text = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels: {}\ncomponents:\n  schemas:\n    node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/node'}\n";
    let loaded = load(text, &LoadOptions::recommended("cycle.yaml"), &NoExternals);
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    let resolved = &loaded.document.expect("document").resolved;
    // One level is inlined, then the cycle stays a reference.
    assert_eq!(
        resolved["components"]["schemas"]["node"]["properties"]["next"]["properties"]["next"]["$ref"],
        "#/components/schemas/node"
    );
}

#[test]
fn garbage_is_a_syntax_error_with_a_position() {
    for text in [
        "{\"asyncapi\": ",
        "a: [1, 2\nb: c",
        "\u{0}\u{1}\u{2}",
        "key: \"unterminated",
    ] {
        let err = parse(text, &ParseOptions::recommended()).expect_err("not a document");
        assert_eq!(err.rule(), rules::SYNTAX, "{text:?}: {err}");
    }
    let err = parse("- just\n- a list\n", &ParseOptions::recommended()).expect_err("not a mapping");
    assert_eq!(err, ParseError::NotAMapping);
}

#[test]
fn deep_documents_within_the_depth_limit_do_not_exhaust_the_stack() {
    // A payload schema nested right up to the parse depth limit, validated by every stage.
    let levels = 60; // `properties` + name per level: 120 levels of nesting
    let schema = format!(
        "{}{{type: string}}{}",
        "{type: object, properties: {x: ".repeat(levels),
        "}}".repeat(levels)
    );
    let text = format!(
        "{{asyncapi: 2.6.0, info: {{title: t, version: '1'}}, channels: {{c: {{publish: {{message: {{payload: {schema}, examples: [{{payload: {{x: 1}}}}]}}}}}}}}}}"
    );
    let loaded = load(&text, &LoadOptions::recommended("deep.yaml"), &NoExternals);
    assert!(
        loaded.document.is_some(),
        "{:?}",
        loaded.diagnostics.first()
    );
    crate::assert_reports(&loaded.diagnostics, rules::MESSAGE_EXAMPLES_V2);
}

#[test]
fn reference_chains_deeper_than_the_text_stay_within_the_stack() {
    // Each schema wraps the previous one: the resolved tree nests past the resolution depth
    // budget, which the test lowers to keep validation quick.
    let mut text = String::from(
        "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    publish:\n      message:\n        payload: {$ref: '#/components/schemas/s60'}\n        examples: [{payload: {x: 1}}]\ncomponents:\n  schemas:\n    s0: {type: string}\n",
    );
    for i in 1..=60 {
        text.push_str(&format!(
            "    s{i}: {{type: object, properties: {{x: {{$ref: '#/components/schemas/s{}'}}}}}}\n",
            i - 1
        ));
    }
    let mut options = LoadOptions::recommended("chain.yaml");
    options.max_resolved_depth = 64;
    let loaded = load(&text, &options, &NoExternals);
    assert!(loaded.document.is_some());
    crate::assert_reports(&loaded.diagnostics, rules::REF_BUDGET);
}
