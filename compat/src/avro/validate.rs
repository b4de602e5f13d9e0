//! Java's checks on values inside a schema: field defaults against their types, logical types on their nodes.

use std::collections::HashMap;

use super::json::Json;
use super::schema::{Arena, Kind, Logical, Node, NodeId, Prim, Type};

/// Java's `Schema.isValidDefault`. The error case is Java's exception when a record's own default
/// reaches back into that record before its fields are set.
pub(crate) fn is_valid_default(
    arena: &Arena,
    ty: NodeId,
    value: Option<&Json>,
) -> Result<bool, String> {
    let Some(value) = value else {
        return Ok(false);
    };
    match &arena.node(ty).kind {
        Kind::Array(items) => match value {
            Json::Array(elements) => all_valid(arena, *items, elements.iter()),
            _ => Ok(false),
        },
        Kind::Map(values) => match value {
            Json::Object(entries) => all_valid(arena, *values, entries.iter().map(|(_, v)| v)),
            _ => Ok(false),
        },
        Kind::Union(branches) => match branches.first() {
            Some(&first) => is_valid_default(arena, first, Some(value)),
            None => Err("Index 0 out of bounds for length 0".to_owned()),
        },
        Kind::Record { .. } => record_default_valid(arena, ty, value),
        other => Ok(scalar_default_valid(other, value)),
    }
}

fn all_valid<'j>(
    arena: &Arena,
    ty: NodeId,
    mut values: impl Iterator<Item = &'j Json>,
) -> Result<bool, String> {
    values.try_fold(true, |valid, value| {
        Ok(valid && is_valid_default(arena, ty, Some(value))?)
    })
}

fn record_default_valid(arena: &Arena, ty: NodeId, value: &Json) -> Result<bool, String> {
    let Json::Object(members) = value else {
        return Ok(false);
    };
    let members: HashMap<&str, &Json> = members.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let Kind::Record {
        fields: Some(fields),
        ..
    } = &arena.node(ty).kind
    else {
        return Err("Schema fields not set yet".to_owned());
    };
    for field in fields {
        let member = members
            .get(field.name.as_str())
            .copied()
            .or(field.default.as_ref());
        if !is_valid_default(arena, field.ty, member)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn scalar_default_valid(kind: &Kind, value: &Json) -> bool {
    match kind {
        Kind::Prim(Prim::String | Prim::Bytes) | Kind::Enum { .. } | Kind::Fixed { .. } => {
            matches!(value, Json::Str(_))
        }
        Kind::Prim(Prim::Int) => value.is_java_int(),
        Kind::Prim(Prim::Long) => matches!(value, Json::Int(_)),
        Kind::Prim(Prim::Float | Prim::Double) => {
            matches!(
                value,
                Json::Int(_) | Json::BigInt(_) | Json::Double(_) | Json::Float(_)
            )
        }
        Kind::Prim(Prim::Boolean) => matches!(value, Json::Bool(_)),
        Kind::Prim(Prim::Null) => matches!(value, Json::Null),
        _ => false,
    }
}

/// `LogicalTypes.fromSchemaIgnoreInvalid` for the logical types Avro 1.11 knows.
pub(crate) fn logical_type(node: &Node) -> Option<Logical> {
    let prop = |key: &str| node.props.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let name = prop("logicalType")?.text()?;
    let ty = node.ty();
    let int_prop = |key: &str| match prop(key) {
        Some(v) if v.is_java_int() => match v {
            Json::Int(i) => Some(*i),
            _ => None,
        },
        _ => None,
    };
    let expected = match name {
        "decimal" => {
            let precision = int_prop("precision")?;
            let scale = if prop("scale").is_some() {
                int_prop("scale")?
            } else {
                0
            };
            let max_precision = match &node.kind {
                Kind::Fixed { size, .. } => {
                    // Java computes `8 * size - 1` in 32-bit arithmetic, overflow included.
                    let bits = (*size as i32).wrapping_mul(8).wrapping_sub(1);
                    Some((f64::from(bits) * std::f64::consts::LOG10_2).floor() as i64)
                }
                Kind::Prim(Prim::Bytes) => None,
                _ => return None,
            };
            if precision <= 0
                || max_precision.is_some_and(|max| precision > max)
                || scale < 0
                || scale > precision
            {
                return None;
            }
            return Some(Logical::Decimal { precision, scale });
        }
        "uuid" => Type::Prim(Prim::String),
        "date" | "time-millis" => Type::Prim(Prim::Int),
        "time-micros"
        | "timestamp-millis"
        | "timestamp-micros"
        | "local-timestamp-millis"
        | "local-timestamp-micros" => Type::Prim(Prim::Long),
        _ => return None,
    };
    (ty == expected).then(|| Logical::Other(name.to_owned()))
}
