//! The checks a parsed `.proto` file must pass before it is stored, each error naming the
//! declaration and, for text input, its line and column.
//!
//! Confluent rejects a type that does not resolve (`Could not resolve type: X`, kept as the start
//! of our message). Accord also applies protoc's descriptor rules that Confluent's registry lets
//! through although no serializer can load such a schema: duplicate field numbers or names in a
//! message, a field number outside `1..=536870911` or in protobuf's reserved `19000..=19999`, and
//! two types of the same name in one scope.

use std::collections::HashMap;

use super::ast::{FieldElement, MessageElement, Position, ProtoFile, RpcElement, TypeElement};
use super::types::{Types, is_scalar, map_parts};
use crate::SchemaError;

/// The largest field number protobuf allows (2^29 - 1).
const MAX_FIELD_NUMBER: i64 = (1 << 29) - 1;

/// The field numbers protobuf keeps for its own implementation.
const IMPLEMENTATION_RESERVED: std::ops::RangeInclusive<i64> = 19_000..=19_999;

/// Checks `file` against the type table built from it and its imports.
pub(super) fn validate(file: &ProtoFile, types: &Types<'_>) -> Result<(), SchemaError> {
    check_types(&file.types, types, &mut Vec::new())?;
    for service in &file.services {
        for rpc in &service.rpcs {
            check_rpc(rpc, types)?;
        }
    }
    Ok(())
}

/// ` at LINE:COLUMN` when the position is known.
fn at(position: Option<Position>) -> String {
    position.map(|p| format!(" at {p}")).unwrap_or_default()
}

fn invalid(message: String) -> Result<(), SchemaError> {
    Err(SchemaError::Invalid(message))
}

/// The messages and enums declared side by side in one scope, then each message's members.
fn check_types<'e>(
    elements: &'e [TypeElement],
    types: &Types<'_>,
    scope: &mut Vec<&'e str>,
) -> Result<(), SchemaError> {
    let mut seen = HashMap::new();
    for element in elements {
        let position = match element {
            TypeElement::Message(message) => message.position,
            TypeElement::Enum(enumeration) => enumeration.position,
        };
        if seen.insert(element.name(), ()).is_some() {
            return invalid(format!(
                "type {} is declared twice{}{}",
                element.name(),
                in_scope(scope),
                at(position)
            ));
        }
    }
    for element in elements {
        if let TypeElement::Message(message) = element {
            scope.push(&message.name);
            check_message(message, types, scope)?;
            check_types(&message.nested, types, scope)?;
            scope.pop();
        }
    }
    Ok(())
}

/// ` in message A.B` for a nested scope, nothing at the top level.
fn in_scope(scope: &[&str]) -> String {
    if scope.is_empty() {
        String::new()
    } else {
        format!(" in message {}", scope.join("."))
    }
}

/// The fields of one message (its oneofs' included): types resolve, numbers are valid and
/// unique, names are unique.
fn check_message(
    message: &MessageElement,
    types: &Types<'_>,
    scope: &[&str],
) -> Result<(), SchemaError> {
    let mut numbers: HashMap<i64, &str> = HashMap::new();
    let mut names: HashMap<&str, ()> = HashMap::new();
    let oneof_fields = message.oneofs.iter().flat_map(|o| &o.fields);
    for field in message.fields.iter().chain(oneof_fields) {
        check_field_type(field, types, scope)?;
        let place = || format!("{}{}", in_scope(scope), at(field.position));
        if !(1..=MAX_FIELD_NUMBER).contains(&field.tag) {
            return invalid(format!(
                "field {} has number {}, outside 1..={MAX_FIELD_NUMBER}{}",
                field.name,
                field.tag,
                place()
            ));
        }
        if IMPLEMENTATION_RESERVED.contains(&field.tag) {
            return invalid(format!(
                "field {} has number {}, which protobuf reserves ({}..={}){}",
                field.name,
                field.tag,
                IMPLEMENTATION_RESERVED.start(),
                IMPLEMENTATION_RESERVED.end(),
                place()
            ));
        }
        if let Some(first) = numbers.insert(field.tag, &field.name) {
            return invalid(format!(
                "field number {} is used by both {first} and {}{}",
                field.tag,
                field.name,
                place()
            ));
        }
        if names.insert(&field.name, ()).is_some() {
            return invalid(format!("field {} is declared twice{}", field.name, place()));
        }
    }
    Ok(())
}

/// Confluent's `Could not resolve type: X`, followed by where.
fn check_field_type(
    field: &FieldElement,
    types: &Types<'_>,
    scope: &[&str],
) -> Result<(), SchemaError> {
    let names = match map_parts(&field.type_name) {
        Some((key, value)) => [key, value],
        None => [field.type_name.as_str(), ""],
    };
    for name in names.into_iter().filter(|name| !name.is_empty()) {
        if !is_scalar(name) && types.resolve(name, scope).is_none() {
            return invalid(format!(
                "Could not resolve type: {name}{} (field {} of message {})",
                at(field.position),
                field.name,
                scope.join(".")
            ));
        }
    }
    Ok(())
}

fn check_rpc(rpc: &RpcElement, types: &Types<'_>) -> Result<(), SchemaError> {
    for name in [&rpc.request_type, &rpc.response_type] {
        if types.resolve(name, &[]).is_none() {
            return invalid(format!(
                "Could not resolve type: {name}{} (rpc {})",
                at(rpc.position),
                rpc.name
            ));
        }
    }
    Ok(())
}
