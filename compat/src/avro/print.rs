//! Canonical text: Java Avro's compact `Schema.toString`, attribute for attribute.
//!
//! A named type is written in full at its first occurrence and by name afterwards; names already
//! known (the top-level types of references) are written by name from the start. Namespaces are
//! written only where they differ from the enclosing one. This module only prints; Confluent's
//! normalized form lives in `normalize.rs`.

use std::collections::HashSet;

use super::json::{write_json, write_str};
use super::schema::{Arena, Kind, Name, Node, NodeId, Order};

/// Java's `Schema.toString()`: no names known in advance.
pub(crate) fn to_string(arena: &Arena, root: NodeId) -> String {
    to_string_with_known(arena, root, &[])
}

/// Java's `Schema.toString(referencedSchemas, false)`: `known` full names print by name.
pub(crate) fn to_string_with_known(arena: &Arena, root: NodeId, known: &[String]) -> String {
    let mut printer = Printer {
        arena,
        known: known.iter().cloned().collect(),
        space: None,
        out: String::new(),
    };
    printer.node(root);
    printer.out
}

struct Printer<'a> {
    arena: &'a Arena,
    known: HashSet<String>,
    space: Option<String>,
    out: String,
}

impl Printer<'_> {
    fn key(&mut self, key: &str) {
        // Keys only appear inside objects, and only the first one follows the opening brace.
        if !self.out.ends_with('{') {
            self.out.push(',');
        }
        write_str(&mut self.out, key);
        self.out.push(':');
    }

    fn string_field(&mut self, key: &str, value: &str) {
        self.key(key);
        write_str(&mut self.out, value);
    }

    fn props(&mut self, props: &[(String, super::json::Json)]) {
        for (key, value) in props {
            self.key(key);
            write_json(&mut self.out, value);
        }
    }

    /// `writeNameRef`: true when the name was written as a reference.
    fn name_ref(&mut self, name: &Name) -> bool {
        if self.known.contains(&name.full) {
            let qualified = name.qualified(self.space.as_deref()).to_owned();
            write_str(&mut self.out, &qualified);
            return true;
        }
        self.known.insert(name.full.clone());
        false
    }

    /// `Name.writeName`: the namespace only where it differs from the enclosing one.
    fn write_name(&mut self, name: &Name) {
        self.string_field("name", &name.name);
        match &name.space {
            Some(space) if Some(space) != self.space.as_ref() => {
                self.string_field("namespace", space);
            }
            None if self.space.is_some() => self.string_field("namespace", ""),
            _ => {}
        }
    }

    fn aliases(&mut self, name: &Name, aliases: &[Name]) {
        if aliases.is_empty() {
            return;
        }
        self.key("aliases");
        self.out.push('[');
        for (i, alias) in aliases.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(&mut self.out, alias.qualified(name.space.as_deref()));
        }
        self.out.push(']');
    }

    // `node` recurses once per nesting level, so it only dispatches; the work is in helpers.
    fn node(&mut self, id: NodeId) {
        let arena = self.arena;
        let node = arena.node(id);
        match &node.kind {
            Kind::Array(inner) => self.container("array", "items", *inner, node),
            Kind::Map(inner) => self.container("map", "values", *inner, node),
            Kind::Union(branches) => super::print::write_union(self, branches),
            Kind::Record { .. } => self.record(node),
            Kind::Prim(_) => self.primitive(node),
            Kind::Enum { .. } | Kind::Fixed { .. } => self.enum_or_fixed(node),
        }
    }

    fn primitive(&mut self, node: &Node) {
        if node.props.is_empty() {
            write_str(&mut self.out, node.ty().name());
        } else {
            self.out.push('{');
            self.string_field("type", node.ty().name());
            self.props(&node.props);
            self.out.push('}');
        }
    }

    fn container(&mut self, ty: &str, key: &str, inner: NodeId, node: &Node) {
        self.out.push('{');
        self.string_field("type", ty);
        self.key(key);
        self.node(inner);
        self.props(&node.props);
        self.out.push('}');
    }

    fn record(&mut self, node: &Node) {
        let Kind::Record {
            name,
            doc,
            fields,
            error,
            aliases,
            ..
        } = &node.kind
        else {
            return;
        };
        if self.name_ref(name) {
            return;
        }
        let saved_space = self.space.clone();
        self.out.push('{');
        self.string_field("type", if *error { "error" } else { "record" });
        self.write_name(name);
        self.space.clone_from(&name.space);
        if let Some(doc) = doc {
            self.string_field("doc", doc);
        }
        if let Some(fields) = fields {
            self.key("fields");
            self.out.push('[');
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.field(field);
            }
            self.out.push(']');
        }
        self.props(&node.props);
        self.aliases(name, aliases);
        self.out.push('}');
        self.space = saved_space;
    }

    fn enum_or_fixed(&mut self, node: &Node) {
        let (Kind::Enum {
            name, doc, aliases, ..
        }
        | Kind::Fixed {
            name, doc, aliases, ..
        }) = &node.kind
        else {
            return;
        };
        if self.name_ref(name) {
            return;
        }
        self.out.push('{');
        self.string_field("type", node.ty().name());
        self.write_name(name);
        if let Some(doc) = doc {
            self.string_field("doc", doc);
        }
        match &node.kind {
            Kind::Enum {
                symbols, default, ..
            } => {
                self.key("symbols");
                self.out.push('[');
                for (i, symbol) in symbols.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, symbol);
                }
                self.out.push(']');
                if let Some(default) = default {
                    self.string_field("default", default);
                }
            }
            Kind::Fixed { size, .. } => {
                self.key("size");
                self.out.push_str(&size.to_string());
            }
            _ => {}
        }
        self.props(&node.props);
        self.aliases(name, aliases);
        self.out.push('}');
    }

    fn field(&mut self, field: &super::schema::Field) {
        self.out.push('{');
        self.string_field("name", &field.name);
        self.key("type");
        self.node(field.ty);
        if let Some(doc) = &field.doc {
            self.string_field("doc", doc);
        }
        if let Some(default) = &field.default {
            self.key("default");
            write_json(&mut self.out, default);
        }
        match field.order {
            Order::Ascending => {}
            Order::Descending => self.string_field("order", "descending"),
            Order::Ignore => self.string_field("order", "ignore"),
        }
        if !field.aliases.is_empty() {
            self.key("aliases");
            self.out.push('[');
            for (i, alias) in field.aliases.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                write_str(&mut self.out, alias);
            }
            self.out.push(']');
        }
        self.props(&field.props);
        self.out.push('}');
    }
}

impl super::print::NodeWriter for Printer<'_> {
    fn out(&mut self) -> &mut String {
        &mut self.out
    }

    fn write_node(&mut self, id: NodeId) {
        self.node(id);
    }
}

/// What the canonical printer and the normalizer share: an output buffer and a node writer.
pub(super) trait NodeWriter {
    fn out(&mut self) -> &mut String;
    fn write_node(&mut self, id: NodeId);
}

/// Writes a union as a JSON array of its branches.
pub(super) fn write_union(writer: &mut impl NodeWriter, branches: &[NodeId]) {
    writer.out().push('[');
    for (i, branch) in branches.iter().enumerate() {
        if i > 0 {
            writer.out().push(',');
        }
        writer.write_node(*branch);
    }
    writer.out().push(']');
}
