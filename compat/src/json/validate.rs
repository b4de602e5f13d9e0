//! The meta-schema check: each known keyword's value must have the shape its dialect's
//! meta-schema demands; unknown keywords are allowed, as in every JSON Schema dialect.
//!
//! The walk is iterative (an explicit stack), so it cannot overflow whatever the nesting.
//! Errors name the keyword and the JSON path of the offending value, e.g.
//! `keyword 'required' at '#/required': must be an array of strings`.

use serde_json::{Map, Value};

/// The JSON Schema dialect, from `$schema`; draft-07 when absent or not recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dialect {
    Draft4,
    Draft6,
    Draft7,
    Draft2019,
    Draft2020,
}

impl Dialect {
    pub(super) fn of(value: &Value) -> Dialect {
        let Some(uri) = value.get("$schema").and_then(Value::as_str) else {
            return Dialect::Draft7;
        };
        if uri.contains("draft-04") {
            Dialect::Draft4
        } else if uri.contains("draft-06") {
            Dialect::Draft6
        } else if uri.contains("2019-09") {
            Dialect::Draft2019
        } else if uri.contains("2020-12") {
            Dialect::Draft2020
        } else {
            Dialect::Draft7
        }
    }
}

const TYPES: &[&str] = &[
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];

/// Keywords whose value is an object of schemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

/// Keywords whose value is an array of schemas.
const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value is a non-negative integer.
const COUNT_KEYWORDS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];

/// Keywords whose value is a string.
const STRING_KEYWORDS: &[&str] = &[
    "$ref",
    "$id",
    "$schema",
    "title",
    "description",
    "format",
    "$anchor",
    "$comment",
];

/// Checks `root` against its dialect's meta-schema.
pub(super) fn check(root: &Value, dialect: Dialect) -> Result<(), String> {
    let mut stack: Vec<(&Value, String)> = vec![(root, "#".to_owned())];
    while let Some((value, path)) = stack.pop() {
        let Value::Object(map) = value else {
            // Booleans (and, as Confluent accepts them, other non-object documents) have no keywords.
            continue;
        };
        check_keywords(map, &path, dialect, &mut stack)?;
    }
    Ok(())
}

fn fail(keyword: &str, path: &str, reason: &str) -> Result<(), String> {
    Err(format!("keyword '{keyword}' at '{path}': {reason}"))
}

/// Pushes a subschema for checking, after checking it is a schema at all.
fn push_schema<'a>(
    value: &'a Value,
    keyword: &str,
    path: String,
    dialect: Dialect,
    stack: &mut Vec<(&'a Value, String)>,
) -> Result<(), String> {
    match value {
        Value::Object(_) => {
            stack.push((value, path));
            Ok(())
        }
        Value::Bool(_) if dialect > Dialect::Draft4 => Ok(()),
        _ => fail(keyword, &path, "must be a schema (an object or a boolean)"),
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn check_keywords<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    dialect: Dialect,
    stack: &mut Vec<(&'a Value, String)>,
) -> Result<(), String> {
    for (keyword, value) in map {
        let at = format!("{path}/{}", escape(keyword));
        let k = keyword.as_str();
        if k == "type" {
            check_type(value, &at)?;
        } else if k == "id" && dialect == Dialect::Draft4 && !value.is_string() {
            fail(k, &at, "must be a string")?;
        } else if STRING_KEYWORDS.contains(&k) {
            if !value.is_string() {
                fail(k, &at, "must be a string")?;
            }
            if k == "$ref" {
                continue;
            }
        } else if SCHEMA_KEYWORDS.contains(&k) {
            if dialect == Dialect::Draft4
                && (k == "additionalItems" || k == "additionalProperties")
                && value.is_boolean()
            {
                continue;
            }
            push_schema(value, k, at, dialect, stack)?;
        } else if SCHEMA_MAP_KEYWORDS.contains(&k) {
            let Value::Object(entries) = value else {
                return fail(k, &at, "must be an object of schemas");
            };
            for (name, schema) in entries {
                if k == "patternProperties" {
                    super::model::check_pattern(name)
                        .or_else(|reason| fail(k, &format!("{at}/{}", escape(name)), &reason))?;
                }
                push_schema(schema, k, format!("{at}/{}", escape(name)), dialect, stack)?;
            }
        } else if SCHEMA_ARRAY_KEYWORDS.contains(&k) {
            let Value::Array(items) = value else {
                return fail(k, &at, "must be an array of schemas");
            };
            for (index, schema) in items.iter().enumerate() {
                push_schema(schema, k, format!("{at}/{index}"), dialect, stack)?;
            }
        } else if k == "items" {
            match value {
                Value::Array(items) => {
                    for (index, schema) in items.iter().enumerate() {
                        push_schema(schema, k, format!("{at}/{index}"), dialect, stack)?;
                    }
                }
                other => push_schema(other, k, at, dialect, stack)?,
            }
        } else if COUNT_KEYWORDS.contains(&k) {
            if !is_count(value) {
                fail(k, &at, "must be a non-negative integer")?;
            }
        } else if k == "minimum" || k == "maximum" {
            if !value.is_number() {
                fail(k, &at, "must be a number")?;
            }
        } else if k == "exclusiveMinimum" || k == "exclusiveMaximum" {
            let ok = if dialect == Dialect::Draft4 {
                value.is_boolean()
            } else {
                value.is_number()
            };
            if !ok {
                let shape = if dialect == Dialect::Draft4 {
                    "must be a boolean in draft-04"
                } else {
                    "must be a number"
                };
                fail(k, &at, shape)?;
            }
        } else if k == "multipleOf" {
            if !value.as_f64().is_some_and(|n| n > 0.0) {
                fail(k, &at, "must be a number greater than 0")?;
            }
        } else if k == "pattern" {
            let Some(pattern) = value.as_str() else {
                return fail(k, &at, "must be a string");
            };
            super::model::check_pattern(pattern).or_else(|reason| fail(k, &at, &reason))?;
        } else if k == "uniqueItems" {
            if !value.is_boolean() {
                fail(k, &at, "must be a boolean")?;
            }
        } else if k == "required" {
            if !is_string_array(value) {
                fail(k, &at, "must be an array of strings")?;
            }
        } else if k == "enum" {
            if !value.is_array() {
                fail(k, &at, "must be an array")?;
            }
        } else if k == "dependencies" {
            let Value::Object(entries) = value else {
                return fail(k, &at, "must be an object");
            };
            for (name, dependency) in entries {
                let entry = format!("{at}/{}", escape(name));
                if dependency.is_array() {
                    if !is_string_array(dependency) {
                        fail(k, &entry, "must be a schema or an array of strings")?;
                    }
                } else {
                    push_schema(dependency, k, entry, dialect, stack)?;
                }
            }
        } else if k == "dependentRequired" {
            let Value::Object(entries) = value else {
                return fail(k, &at, "must be an object");
            };
            for (name, dependency) in entries {
                if !is_string_array(dependency) {
                    fail(
                        k,
                        &format!("{at}/{}", escape(name)),
                        "must be an array of strings",
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn check_type(value: &Value, at: &str) -> Result<(), String> {
    let known = |v: &Value| v.as_str().is_some_and(|t| TYPES.contains(&t));
    let ok = match value {
        Value::String(_) => known(value),
        Value::Array(items) => items.iter().all(known),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        fail(
            "type",
            at,
            "must be one of array, boolean, integer, null, number, object, string, or an array of them",
        )
    }
}

fn is_count(value: &Value) -> bool {
    value.as_u64().is_some() || value.as_f64().is_some_and(|n| n >= 0.0 && n.fract() == 0.0)
}

fn is_string_array(value: &Value) -> bool {
    value
        .as_array()
        .is_some_and(|items| items.iter().all(Value::is_string))
}
