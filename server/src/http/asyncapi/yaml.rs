//! A small YAML writer for JSON values: block mappings and sequences, every string and key
//! double-quoted with JSON's escapes (a valid YAML 1.2 double-quoted scalar), so that nothing
//! is re-typed on reading (`on`, `no`, `1.0` and `null` stay strings).
//!
//! It writes what `serde_json` holds and nothing else: no anchors, tags, comments or flow
//! styles except `{}` and `[]` for empty collections.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// `value` as a YAML document.
pub(super) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (key, value) in map {
        pad(out, indent);
        write_string(out, key);
        out.push(':');
        write_nested(out, value, indent);
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        write_nested(out, item, indent);
    }
}

/// A value after `key:` or `-`: a non-empty collection on the next lines, indented; else inline.
fn write_nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent + 2);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, s: &str) {
    // JSON escapes are a subset of YAML's double-quoted escapes.
    out.push_str(&Value::String(s.to_owned()).to_string());
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

#[cfg(test)]
mod tests;
