//! The YAML writer reads back, through the same parser the registry uses, as the value it wrote.

use accord_asyncapi::ParseOptions;
use serde_json::Value;

use super::to_yaml;

#[test]
fn round_trips_through_the_document_parser() {
    let value: Value = serde_json::from_str(
        r##"{
            "asyncapi": "3.0.0",
            "on": ["on", "no", "1.0", "null", "", "a: b", "- x", "#c", "line\nbreak", "tab\t\"q\"\\"],
            "numbers": [1, -2.5, 1e300, 0],
            "flags": [true, false, null],
            "empty": {"map": {}, "list": []},
            "nested": [[1, [2]], {"k": {"deep": [{"a": 1}, {}]}}],
            "ünïcode ✓": "\ud83d\ude00\u0001"
        }"##,
    )
    .expect("the fixture is JSON");
    let text = to_yaml(&value);
    let parsed = accord_asyncapi::parse(&text, &ParseOptions::recommended())
        .unwrap_or_else(|e| panic!("the YAML does not parse: {e}\n{text}"));
    assert_eq!(parsed.value, value, "{text}");
}
