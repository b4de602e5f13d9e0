//! Reader/writer rules the recorded corpus does not reach, pinned to what Java Avro 1.11's
//! `SchemaCompatibility` does (derived from its source): recursion, memoized repeats, aliases,
//! enum defaults, union locations, and the exception Confluent reports verbatim.

use accord_compat::CompatibilityLevel::{self, Backward, Forward, Full};

use crate::common::{avro, confluent_messages, same};

struct Case {
    name: &'static str,
    level: CompatibilityLevel,
    old: &'static str,
    new: &'static str,
    /// Violation messages only; Confluent's trailer is not part of the library's output.
    expected: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "recursive record gains a required field: reported once, recursion terminates",
        level: Backward,
        old: r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}"#,
        new: r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]},{"name":"w","type":"int"}]}"#,
        expected: &[
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'w' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'w'}",
        ],
    },
    Case {
        name: "a named type used twice: Java's memo repeats the first location",
        level: Backward,
        old: r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"I","fields":[]}},{"name":"b","type":"I"}]}"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int"}]}},{"name":"b","type":"I"}]}"#,
        expected: &[
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'x' at path '/fields/0/type/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'x'}",
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'x' at path '/fields/0/type/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'x'}",
        ],
    },
    Case {
        name: "namespace change only: names compare unqualified",
        level: Full,
        old: r#"{"type":"record","name":"a.R","fields":[{"name":"x","type":"int"}]}"#,
        new: r#"{"type":"record","name":"b.R","fields":[{"name":"x","type":"int"}]}"#,
        expected: &[],
    },
    Case {
        name: "renamed field readable through a field alias, not the other way",
        level: Full,
        old: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"b","type":"int","aliases":["a"]}]}"#,
        expected: &[
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'a'}",
        ],
    },
    Case {
        name: "a reader field matching two writer fields (name and alias) is Java's exception",
        level: Backward,
        old: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#,
        expected: &[
            r#"Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#,
        ],
    },
    Case {
        name: "missing field of an enum type with an enum default: Java compares the enum with the record",
        level: Backward,
        old: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["X"],"default":"X"}}]}"#,
        expected: &[
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: ENUM not compatible with writer type: RECORD'}",
        ],
    },
    Case {
        name: "enum symbols are reported sorted",
        level: Backward,
        old: r#"{"type":"enum","name":"E","symbols":["Z","B","A","C"]}"#,
        new: r#"{"type":"enum","name":"E","symbols":["C"]}"#,
        expected: &[
            "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[A, B, Z]' at path '/symbols' in the old schema', additionalInfo:'[A, B, Z]'}",
        ],
    },
    Case {
        name: "renamed enum and fixed: name checked before contents",
        level: Backward,
        old: r#"["null",{"type":"fixed","name":"F","size":2}]"#,
        new: r#"["null",{"type":"fixed","name":"G","size":4}]"#,
        expected: &[
            "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/1' in the old schema', additionalInfo:'reader union lacking writer type: FIXED'}",
        ],
    },
    Case {
        name: "writer union read by a non-union: each branch restarts at the root",
        level: Backward,
        old: r#"["int",{"type":"record","name":"R","fields":[]}]"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        expected: &[
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: RECORD not compatible with writer type: INT'}",
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'a'}",
        ],
    },
    Case {
        name: "promotions, string and bytes both ways, map values",
        level: Backward,
        old: r#"{"type":"map","values":["int","string","float"]}"#,
        new: r#"{"type":"map","values":["double","bytes"]}"#,
        expected: &[],
    },
    Case {
        name: "FULL: forward violations first, then backward",
        level: Full,
        old: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#,
        new: r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":"string"}]}"#,
        expected: &[
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}",
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'b'}",
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'c' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'c'}",
        ],
    },
    Case {
        name: "record alias naming the old full name",
        level: Forward,
        old: r#"{"type":"record","name":"n.Old","fields":[]}"#,
        new: r#"{"type":"record","name":"n.New","aliases":["Old"],"fields":[]}"#,
        expected: &[
            "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: n.New'}",
        ],
    },
];

#[test]
fn avro_reader_writer_rules() {
    let mut failures = Vec::new();
    for case in CASES {
        let (Ok(old), Ok(new)) = (avro(case.old, &[]), avro(case.new, &[])) else {
            failures.push(format!("{}: does not parse", case.name));
            continue;
        };
        let report = accord_compat::check(case.level, &new, &[&old], &crate::common::STRICT);
        let messages: Vec<&str> = report
            .incompatibilities
            .iter()
            .flat_map(|i| i.violations.iter().map(|v| v.message.as_str()))
            .collect();
        if let Err(difference) = same(case.name, &messages[..], case.expected) {
            failures.push(difference);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every violation carries Confluent's error type as its rule and the JSON pointer of the
/// description as its path, and the trailer helper appends Confluent's `{oldSchema}` entry.
#[test]
fn violations_carry_rule_and_path() {
    let old = avro(r#"{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":4}}]}"#, &[])
        .expect("old parses");
    let new = avro(r#"{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":8}}]}"#, &[])
        .expect("new parses");
    let report = accord_compat::check(Backward, &new, &[&old], &crate::common::STRICT);
    let violation = &report.incompatibilities[0].violations[0];
    assert_eq!(violation.rule, "FIXED_SIZE_MISMATCH");
    assert_eq!(violation.path, "/fields/0/type/size");
    let messages = confluent_messages(Backward, &new, &[&old], false);
    assert_eq!(
        messages.last().map(String::as_str),
        Some(
            r#"{oldSchema: '{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":4}}]}'}"#
        )
    );
}
