//! Message indexes (spec §4.2): the path of positions that names a message type in a schema,
//! counting only message declarations (not enums, services or map-entry types written as
//! `map<K, V>`, which are not declarations), top level first, in declaration order.

use super::ProtobufSchema;
use super::ast::TypeElement;

/// The full name (`pkg.Outer.Inner`, no leading dot) of the message at `indexes`; `None` when the
/// path points at no message. An empty path means `[0]`, as on the wire.
pub(crate) fn message_full_name(schema: &ProtobufSchema, indexes: &[usize]) -> Option<String> {
    let indexes: &[usize] = if indexes.is_empty() { &[0] } else { indexes };
    let mut names: Vec<&str> = Vec::with_capacity(indexes.len() + 1);
    if let Some(package) = schema.file.package.as_deref().filter(|p| !p.is_empty()) {
        names.push(package);
    }
    let mut level: &[TypeElement] = &schema.file.types;
    for &index in indexes {
        let message = level
            .iter()
            .filter_map(|t| match t {
                TypeElement::Message(m) => Some(m),
                TypeElement::Enum(_) => None,
            })
            .nth(index)?;
        names.push(&message.name);
        level = &message.nested;
    }
    Some(names.join("."))
}

/// The index path of the message named `full_name` (with or without a leading dot, package
/// included); `None` when the schema declares no such message.
pub(crate) fn message_index_path(schema: &ProtobufSchema, full_name: &str) -> Option<Vec<usize>> {
    let full_name = full_name.strip_prefix('.').unwrap_or(full_name);
    let relative = match schema.file.package.as_deref().filter(|p| !p.is_empty()) {
        Some(package) => full_name.strip_prefix(package)?.strip_prefix('.')?,
        None => full_name,
    };
    let mut level: &[TypeElement] = &schema.file.types;
    let mut path = Vec::new();
    for part in relative.split('.') {
        let (index, message) = level
            .iter()
            .filter_map(|t| match t {
                TypeElement::Message(m) => Some(m),
                TypeElement::Enum(_) => None,
            })
            .enumerate()
            .find(|(_, m)| m.name == part)?;
        path.push(index);
        level = &message.nested;
    }
    Some(path)
}
