//! Confluent's normalized Avro text (`AvroSchemaUtils.toNormalizedString`), before its re-parse.
//!
//! Confluent writes a Parsing-Canonical-Form-like text (full names, `name` before `type`, sorted
//! properties and aliases, defaults converted to the field's type), then parses that text again
//! and returns the parsed schema's canonical text. This module produces the intermediate text;
//! `mod.rs` does the re-parse, so quirks of the round trip come out exactly as Confluent's do.

use std::collections::HashSet;

use super::json::{Json, java_cmp, write_json, write_str};
use super::schema::{Arena, Field, Kind, Logical, NodeId, Prim, Type};

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
                self.out.push_str(",\"logicalType\":\"decimal\",\"precision\":");
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

    fn node(&mut self, id: NodeId) {
        let arena = self.arena;
        let node = arena.node(id);
        match &node.kind {
            Kind::Union(branches) => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(*branch);
                }
                self.out.push(']');
            }
            Kind::Array(inner) | Kind::Map(inner) => {
                let (ty, key) = match node.kind {
                    Kind::Array(_) => ("array", "items"),
                    _ => ("map", "values"),
                };
                self.out.push_str("{\"type\":\"");
                self.out.push_str(ty);
                self.out.push_str("\",\"");
                self.out.push_str(key);
                self.out.push_str("\":");
                self.node(*inner);
                self.sorted_props(&node.props);
                self.out.push('}');
            }
            Kind::Record { name, doc, .. } | Kind::Enum { name, doc, .. } | Kind::Fixed { name, doc, .. } => {
                if self.env.contains(&name.full) {
                    write_str(&mut self.out, &name.full);
                    return;
                }
                self.env.insert(name.full.clone());
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
                        for (i, field) in arena.fields(id).iter().enumerate() {
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
            Kind::Prim(_) => {
                if let Some(logical) = &node.logical {
                    self.out.push_str("{\"type\":\"");
                    self.out.push_str(node.ty().name());
                    self.out.push('"');
                    self.logical_props(logical);
                    self.sorted_props(&node.props);
                    self.out.push('}');
                } else if !node.props.is_empty() {
                    self.out.push_str("{\"type\":\"");
                    self.out.push_str(node.ty().name());
                    self.out.push('"');
                    self.sorted_props(&node.props);
                    self.out.push('}');
                } else {
                    write_str(&mut self.out, node.ty().name());
                }
            }
        }
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
    let ty = schema.map(|id| arena.node(id).ty());
    if let (Some(id), Some(Type::Union)) = (schema, ty) {
        let Kind::Union(branches) = &arena.node(id).kind else {
            return None;
        };
        return convert_default(arena, value, Some(*branches.first()?));
    }
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
        Json::BigInt(_) => None,
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
        Json::Array(items) => {
            let element = match schema {
                None => None,
                Some(id) => match arena.node(id).kind {
                    Kind::Array(items) => Some(items),
                    _ => return None,
                },
            };
            items
                .iter()
                .map(|item| convert_default(arena, item, element))
                .collect::<Option<Vec<_>>>()
                .map(Json::Array)
        }
        Json::Object(members) => {
            let mut converted = Vec::with_capacity(members.len());
            for (key, member) in members {
                let member_schema = match schema.map(|id| &arena.node(id).kind) {
                    Some(Kind::Map(values)) => Some(*values),
                    Some(Kind::Record { .. }) => {
                        let field = arena.fields(schema?).iter().find(|f| &f.name == key)?;
                        Some(field.ty)
                    }
                    _ => None,
                };
                converted.push((key.clone(), convert_default(arena, member, member_schema)?));
            }
            Some(Json::Object(converted))
        }
    }
}
