//! Confluent's normalized Avro text (`AvroSchemaUtils.toNormalizedString`), before its re-parse.
//!
//! Confluent writes a Parsing-Canonical-Form-like text (full names, `name` before `type`, sorted
//! properties and aliases, defaults converted to the field's type), then parses that text again
//! and returns the parsed schema's canonical text. This module produces the intermediate text;
//! `mod.rs` does the re-parse, so quirks of the round trip come out exactly as Confluent's do.

use std::collections::HashSet;

use super::java::java_cmp;
use super::json::{Json, write_json, write_str};
use super::schema::{Arena, Field, Kind, Logical, Node, NodeId, Prim, Type};

/// Builds the normalized text; `known` are the referenced full names, written as plain strings.
pub(crate) fn build(arena: &Arena, root: NodeId, known: &[String]) -> String {
    let mut builder = Builder {
        arena,
        env: known.iter().cloned().collect(),
        out: String::new(),
    };
    builder.node(root);
    builder.out
}

struct Builder<'a> {
    arena: &'a Arena,
    env: HashSet<String>,
    out: String,
}

impl Builder<'_> {
    /// `setSimpleProps`: properties sorted by key.
    fn sorted_props(&mut self, props: &[(String, Json)]) {
        let mut sorted: Vec<&(String, Json)> = props.iter().collect();
        sorted.sort_by(|a, b| java_cmp(&a.0, &b.0));
        for (key, value) in sorted {
            self.out.push_str(",\"");
            self.out.push_str(key);
            self.out.push_str("\":");
            write_json(&mut self.out, value);
        }
    }

    /// `setLogicalProps`.
    fn logical_props(&mut self, logical: &Logical) {
        match logical {
            Logical::Decimal { precision, scale } => {
                self.out
                    .push_str(",\"logicalType\":\"decimal\",\"precision\":");
                self.out.push_str(&precision.to_string());
                if *scale != 0 {
                    self.out.push_str(",\"scale\":");
                    self.out.push_str(&scale.to_string());
                }
            }
            Logical::Other(name) => {
                self.out.push_str(",\"logicalType\":\"");
                self.out.push_str(name);
                self.out.push('"');
            }
        }
    }

    fn sorted_strings(&mut self, key: &str, mut items: Vec<&str>) {
        if items.is_empty() {
            return;
        }
        items.sort_by(|a, b| java_cmp(a, b));
        items.dedup();
        self.out.push_str(",\"");
        self.out.push_str(key);
        self.out.push_str("\":[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(&mut self.out, item);
        }
        self.out.push(']');
    }

    // `node` recurses once per nesting level, so it only dispatches; the work is in helpers.
    fn node(&mut self, id: NodeId) {
        let arena = self.arena;
        let node = arena.node(id);
        match &node.kind {
            Kind::Union(branches) => super::print::write_union(self, branches),
            Kind::Array(inner) => self.container("array", "items", *inner, node),
            Kind::Map(inner) => self.container("map", "values", *inner, node),
            Kind::Record { name, .. } | Kind::Enum { name, .. } | Kind::Fixed { name, .. } => {
                if self.env.contains(&name.full) {
                    write_str(&mut self.out, &name.full);
                } else {
                    self.env.insert(name.full.clone());
                    self.named(id, node);
                }
            }
            Kind::Prim(_) => self.primitive(node),
        }
    }

    fn container(&mut self, ty: &str, key: &str, inner: NodeId, node: &Node) {
        self.out.push_str("{\"type\":\"");
        self.out.push_str(ty);
        self.out.push_str("\",\"");
        self.out.push_str(key);
        self.out.push_str("\":");
        self.node(inner);
        self.sorted_props(&node.props);
        self.out.push('}');
    }

    fn primitive(&mut self, node: &Node) {
        if node.logical.is_none() && node.props.is_empty() {
            write_str(&mut self.out, node.ty().name());
            return;
        }
        self.out.push_str("{\"type\":\"");
        self.out.push_str(node.ty().name());
        self.out.push('"');
        if let Some(logical) = &node.logical {
            self.logical_props(logical);
        }
        self.sorted_props(&node.props);
        self.out.push('}');
    }

    /// A record, enum or fixed at its first occurrence.
    fn named(&mut self, id: NodeId, node: &Node) {
        let (Kind::Record { name, doc, .. }
        | Kind::Enum { name, doc, .. }
        | Kind::Fixed { name, doc, .. }) = &node.kind
        else {
            return;
        };
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &name.full);
        self.out.push_str(",\"type\":\"");
        self.out.push_str(node.ty().name());
        self.out.push('"');
        match &node.kind {
            Kind::Enum { symbols, .. } => {
                self.out.push_str(",\"symbols\":[");
                for (i, symbol) in symbols.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, symbol);
                }
                self.out.push(']');
            }
            Kind::Fixed { size, .. } => {
                self.out.push_str(",\"size\":");
                self.out.push_str(&size.to_string());
                if let Some(logical) = &node.logical {
                    self.logical_props(logical);
                }
            }
            _ => {
                self.out.push_str(",\"fields\":[");
                for (i, field) in self.arena.fields(id).iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.field(field);
                }
                self.out.push(']');
            }
        }
        // `setComplexProps`: a non-empty doc, sorted full-name aliases, the enum default.
        if let Some(doc) = doc.as_deref().filter(|d| !d.is_empty()) {
            self.out.push_str(",\"doc\":");
            write_str(&mut self.out, doc);
        }
        let aliases = node.aliases().iter().map(|a| a.full.as_str()).collect();
        self.sorted_strings("aliases", aliases);
        if let Kind::Enum {
            default: Some(default),
            ..
        } = &node.kind
        {
            self.out.push_str(",\"default\":");
            write_str(&mut self.out, default);
        }
        self.sorted_props(&node.props);
        self.out.push('}');
    }

    /// One field: `name`, `type`, then `setFieldProps` (order always, doc, aliases, default, props).
    fn field(&mut self, field: &Field) {
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &field.name);
        self.out.push_str(",\"type\":");
        self.node(field.ty);
        self.out.push_str(",\"order\":\"");
        self.out.push_str(match field.order {
            super::schema::Order::Ascending => "ASCENDING",
            super::schema::Order::Descending => "DESCENDING",
            super::schema::Order::Ignore => "IGNORE",
        });
        self.out.push('"');
        if let Some(doc) = &field.doc {
            self.out.push_str(",\"doc\":");
            write_str(&mut self.out, doc);
        }
        let aliases = field.aliases.iter().map(String::as_str).collect();
        self.sorted_strings("aliases", aliases);
        if let Some(default) = field
            .default
            .as_ref()
            .and_then(|d| convert_default(self.arena, d, Some(field.ty)))
        {
            self.out.push_str(",\"default\":");
            write_json(&mut self.out, &default);
        }
        self.sorted_props(&field.props);
        self.out.push('}');
    }
}

/// Java's `JacksonUtils.toObject(node, schema)` followed by `toJsonNode`: the default as the
/// field's type sees it. `None` where Java gets `null` (the default is then left out) or where
/// Java's conversion would throw (an assumption: Confluent cannot normalize such a schema at all).
fn convert_default(arena: &Arena, value: &Json, schema: Option<NodeId>) -> Option<Json> {
    let kind = schema.map(|id| &arena.node(id).kind);
    if let Some(Kind::Union(branches)) = kind {
        return convert_default(arena, value, Some(*branches.first()?));
    }
    match value {
        Json::Array(items) => {
            let element = match kind {
                None => None,
                Some(Kind::Array(items)) => Some(*items),
                Some(_) => return None,
            };
            let mut converted = Vec::with_capacity(items.len());
            for item in items {
                converted.push(convert_default(arena, item, element)?);
            }
            Some(Json::Array(converted))
        }
        Json::Object(members) => {
            let mut converted = Vec::with_capacity(members.len());
            for (key, member) in members {
                let member_schema = member_schema(arena, schema, key)?;
                converted.push((key.clone(), convert_default(arena, member, member_schema)?));
            }
            Some(Json::Object(converted))
        }
        scalar => convert_scalar(scalar, schema.map(|id| arena.node(id).ty())),
    }
}

/// The schema of an object member: a map's values, a record's field (absent: Java throws), or
/// none for any other type.
fn member_schema(arena: &Arena, schema: Option<NodeId>, key: &str) -> Option<Option<NodeId>> {
    let Some(id) = schema else {
        return Some(None);
    };
    match &arena.node(id).kind {
        Kind::Map(values) => Some(Some(*values)),
        Kind::Record { .. } => arena.field(id, key).map(|f| Some(f.ty)),
        _ => Some(None),
    }
}

fn convert_scalar(value: &Json, ty: Option<Type>) -> Option<Json> {
    let prim = |p: Prim| ty == Some(Type::Prim(p));
    match value {
        Json::Null => Some(Json::Null),
        Json::Bool(b) => Some(Json::Bool(*b)),
        Json::Int(v) => {
            if ty.is_none() || prim(Prim::Int) || prim(Prim::Long) {
                Some(Json::Int(*v))
            } else if prim(Prim::Float) {
                Some(Json::Float(*v as f64 as f32))
            } else if prim(Prim::Double) {
                Some(Json::Double(*v as f64))
            } else {
                None
            }
        }
        Json::Double(d) => {
            if ty.is_none() || prim(Prim::Double) {
                Some(Json::Double(*d))
            } else if prim(Prim::Float) {
                Some(Json::Float(*d as f32))
            } else {
                None
            }
        }
        Json::Float(f) => Some(Json::Float(*f)),
        Json::Str(s) => match ty {
            None | Some(Type::Prim(Prim::String) | Type::Enum) => Some(Json::Str(s.clone())),
            // Bytes go through ISO-8859-1: characters outside it become '?'.
            Some(Type::Prim(Prim::Bytes) | Type::Fixed) => Some(Json::Str(
                s.chars()
                    .map(|c| if (c as u32) <= 0xFF { c } else { '?' })
                    .collect(),
            )),
            _ => None,
        },
        Json::BigInt(_) | Json::Array(_) | Json::Object(_) => None,
    }
}

impl super::print::NodeWriter for Builder<'_> {
    fn out(&mut self) -> &mut String {
        &mut self.out
    }

    fn write_node(&mut self, id: NodeId) {
        self.node(id);
    }
}
