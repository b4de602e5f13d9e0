//! Jackson's scalar coercions, reproduced for request bodies.
//!
//! Confluent deserializes requests with Jackson, which turns `"1"` into an integer, `1.7` into
//! `1`, `""` into null and `5` into `"5"`, but refuses a boolean where an integer is expected.
//! Tools written against Confluent depend on this leniency, so Accord accepts the same inputs.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{Deserializer, Error};
use serde_json::Value;

fn int_from(value: &Value) -> Result<Option<i32>, String> {
    let wide = match value {
        Value::Null => return Ok(None),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i,
            (None, Some(f)) if f.is_finite() => f.trunc() as i64,
            _ => return Err(format!("numeric value ({n}) out of range of int")),
        },
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("cannot deserialize value of type `Integer` from String {s:?}"))?,
        Value::Bool(_) => {
            return Err("cannot deserialize value of type `Integer` from Boolean value".into());
        }
        Value::Array(_) | Value::Object(_) => {
            return Err("cannot deserialize value of type `Integer` from a structure".into());
        }
    };
    i32::try_from(wide).map(Some).map_err(|_| {
        format!("numeric value ({wide}) out of range of int (-2147483648 - 2147483647)")
    })
}

fn string_from(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Array(_) => Err("cannot deserialize value of type `String` from Array value".into()),
        Value::Object(_) => {
            Err("cannot deserialize value of type `String` from Object value".into())
        }
    }
}

pub(super) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    int_from(&Value::deserialize(d)?).map_err(D::Error::custom)
}

pub(super) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    opt_int(d)?.ok_or_else(|| D::Error::custom("missing integer value"))
}

pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    string_from(Value::deserialize(d)?).map_err(D::Error::custom)
}

pub(super) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| D::Error::custom("missing string value"))
}

pub(super) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b)),
        Value::Number(n) => Ok(Some(n.as_f64() != Some(0.0))),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) if s == "true" => Ok(Some(true)),
        Value::String(s) if s == "false" => Ok(Some(false)),
        other => Err(D::Error::custom(format!(
            "cannot deserialize value of type `Boolean` from {other}: only \"true\" or \"false\" recognized"
        ))),
    }
}

pub(super) fn string_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = Option::<BTreeMap<String, Value>>::deserialize(d)?.unwrap_or_default();
    let mut out = BTreeMap::new();
    for (key, value) in raw {
        if let Some(value) = string_from(value).map_err(D::Error::custom)? {
            out.insert(key, value);
        }
    }
    Ok(out)
}
