//! The Avro parser: `org.apache.avro.Schema.parse` (Avro 1.11) check for check, in Java's order.
//!
//! The first error found is the one Java reports, with Java's wording, because Confluent returns
//! that text in its 42201 responses. Named types stay defined across successive parses, which is
//! how references become visible to the schema that uses them.

use std::collections::{HashMap, HashSet};

use super::java::java_parse_double;
use super::json::Json;
use super::print;
use super::schema::{Arena, Field, Kind, Name, NodeId, Order, Prim, Type, validate_name};
use super::validate::{is_valid_default, logical_type};

const SCHEMA_RESERVED: [&str; 10] = [
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
const FIELD_RESERVED: [&str; 6] = ["default", "doc", "name", "order", "type", "aliases"];

/// Largest `fixed` size Java accepts (`SystemLimitException`'s VM array limit).
const MAX_FIXED_SIZE: i64 = i32::MAX as i64 - 8;

/// What a name lookup found: a fresh primitive or a named definition.
#[derive(Debug, Clone, Copy)]
enum Found {
    Prim(Prim),
    Named(NodeId),
}

/// Java's `Schema.Parser`: a names table shared by successive parses (references first).
#[derive(Debug)]
pub(crate) struct Parser<'a> {
    arena: &'a mut Arena,
    names: HashMap<String, NodeId>,
    space: Option<String>,
    validate_defaults: bool,
    /// Headers of the object schemas being parsed, innermost last (kept off the call stack).
    headers: Vec<Header>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(arena: &'a mut Arena, validate_defaults: bool) -> Parser<'a> {
        Parser {
            arena,
            names: HashMap::new(),
            space: None,
            validate_defaults,
            headers: Vec::new(),
        }
    }

    /// The nodes parsed so far.
    pub(crate) fn arena(&self) -> &Arena {
        self.arena
    }

    /// Parses one schema document; named types it defines stay known to later parses.
    pub(crate) fn parse(&mut self, json: &Json) -> Result<NodeId, String> {
        self.space = None;
        self.headers.clear();
        self.schema(json)
    }

    /// `Names.get(String)`: primitives, then the name in the current namespace, then unqualified.
    fn lookup(&self, name: &str) -> Result<Option<Found>, String> {
        if let Some(p) = Prim::from_name(name) {
            return Ok(Some(Found::Prim(p)));
        }
        let mut candidate = Name::new(name, self.space.as_deref())?;
        if !self.names.contains_key(&candidate.full) {
            candidate = Name::new(name, None)?;
        }
        Ok(self.names.get(&candidate.full).map(|&id| Found::Named(id)))
    }

    fn materialize(&mut self, found: Found) -> NodeId {
        match found {
            Found::Prim(p) => self.arena.push(Kind::Prim(p)),
            Found::Named(id) => id,
        }
    }

    // The recursive path (schema -> object -> container/record -> field -> schema) is kept to
    // small functions: in debug builds every local of a function occupies its frame, and deep
    // schemas recurse once or twice per nesting level. Checks and messages live in helpers.

    fn schema(&mut self, json: &Json) -> Result<NodeId, String> {
        match json {
            Json::Object(_) => self.object(json),
            Json::Array(branches) => self.union(branches),
            _ => self.by_name(json),
        }
    }

    /// A schema written as a JSON string (a name), or an unsupported JSON value.
    fn by_name(&mut self, json: &Json) -> Result<NodeId, String> {
        let Json::Str(name) = json else {
            return Err(format!("Schema not yet supported: {}", json.to_compact()));
        };
        match self.lookup(name)? {
            Some(found) => Ok(self.materialize(found)),
            None => Err(format!("Undefined name: {}", json.to_compact())),
        }
    }

    fn object(&mut self, json: &Json) -> Result<NodeId, String> {
        let shape = self.enter(json)?;
        let id = match shape {
            Shape::Array | Shape::Map => self.container(json, shape)?,
            Shape::Record { error } => self.record(json, error)?,
            Shape::Reference => {
                self.headers.pop();
                return self.type_reference(json);
            }
            Shape::Prim(_) | Shape::Enum | Shape::Fixed => self.leaf(json, shape)?,
        };
        self.leave(json, id)?;
        Ok(id)
    }

    /// Reads what an object schema is, and for named types their name and doc, and enters the
    /// type's namespace; the header waits on `self.headers` until `leave`.
    fn enter(&mut self, json: &Json) -> Result<Shape, String> {
        let ty = required_text(json, "type", "No type")?;
        let saved_space = self.space.clone();
        let shape = match ty {
            "record" => Shape::Record { error: false },
            "error" => Shape::Record { error: true },
            "enum" => Shape::Enum,
            "fixed" => Shape::Fixed,
            "array" => Shape::Array,
            "map" => Shape::Map,
            _ => Prim::from_name(ty).map_or(Shape::Reference, Shape::Prim),
        };
        let mut header = Header {
            shape,
            name: None,
            doc: None,
            saved_space,
        };
        if matches!(shape, Shape::Record { .. } | Shape::Enum | Shape::Fixed) {
            let space = match json.get("namespace").and_then(Json::text) {
                Some(space) => Some(space.to_owned()),
                None => header.saved_space.clone(),
            };
            header.doc = json.get("doc").and_then(Json::text).map(str::to_owned);
            let name = Name::new(
                required_text(json, "name", "No name in schema")?,
                space.as_deref(),
            )?;
            self.space = name.space.clone();
            header.name = Some(name);
        }
        self.headers.push(header);
        Ok(shape)
    }

    fn header(&self) -> Result<&Header, String> {
        self.headers
            .last()
            .ok_or_else(|| "parser state lost its header".to_owned())
    }

    /// Object schemas without nested schemas: primitives with properties, enums, fixed.
    fn leaf(&mut self, json: &Json, shape: Shape) -> Result<NodeId, String> {
        match shape {
            Shape::Prim(p) => Ok(self.arena.push(Kind::Prim(p))),
            Shape::Enum => self.enumeration(json),
            _ => self.fixed(json),
        }
    }

    /// `{"type": "Name"}`: a named type, searched in the current namespace only.
    fn type_reference(&mut self, json: &Json) -> Result<NodeId, String> {
        let ty = required_text(json, "type", "No type")?;
        let by_type = Name::new(ty, self.space.as_deref())?;
        match self.names.get(&by_type.full) {
            Some(&id) => Ok(id),
            None => Err(format!("Type not supported: {ty}")),
        }
    }

    fn container(&mut self, json: &Json, shape: Shape) -> Result<NodeId, String> {
        let inner = container_child(json, shape)?;
        let inner = self.schema(inner)?;
        Ok(self.push_container(shape, inner))
    }

    fn push_container(&mut self, shape: Shape, inner: NodeId) -> NodeId {
        self.arena.push(if shape == Shape::Array {
            Kind::Array(inner)
        } else {
            Kind::Map(inner)
        })
    }

    /// Properties, logical type, namespace restored, then the aliases of a named type.
    fn leave(&mut self, json: &Json, id: NodeId) -> Result<(), String> {
        let header = self
            .headers
            .pop()
            .ok_or_else(|| "parser state lost its header".to_owned())?;
        let reserved_default = header.shape == Shape::Enum;
        let props: Vec<(String, Json)> = members(json)
            .iter()
            .filter(|(k, _)| {
                !(SCHEMA_RESERVED.contains(&k.as_str()) || reserved_default && k == "default")
            })
            .cloned()
            .collect();
        self.arena.nodes[id].props = props;
        self.arena.nodes[id].logical = logical_type(&self.arena.nodes[id]);
        self.space = header.saved_space;
        let Some(name) = header.name else {
            return Ok(());
        };
        if let Some(aliases) = parse_aliases(json)? {
            let mut parsed: Vec<Name> = Vec::new();
            let mut seen = HashSet::new();
            for alias in aliases {
                let alias = Name::new(&alias, name.space.as_deref())?;
                if seen.insert(alias.full.clone()) {
                    parsed.push(alias);
                }
            }
            match &mut self.arena.nodes[id].kind {
                Kind::Record { aliases, .. }
                | Kind::Enum { aliases, .. }
                | Kind::Fixed { aliases, .. } => {
                    *aliases = parsed;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn define(&mut self, full: &str, id: NodeId) -> Result<(), String> {
        if self.names.contains_key(full) {
            return Err(format!("Can't redefine: {full}"));
        }
        self.names.insert(full.to_owned(), id);
        Ok(())
    }

    fn record(&mut self, json: &Json, error: bool) -> Result<NodeId, String> {
        let id = self.record_start(json, error)?;
        let field_nodes = match json.get("fields") {
            Some(Json::Array(items)) => items.as_slice(),
            _ => &[],
        };
        let mut fields = Vec::with_capacity(field_nodes.len());
        for field in field_nodes {
            self.field(field, &mut fields)?;
        }
        self.record_finish(id, fields)?;
        Ok(id)
    }

    /// Defines the record (visible to its own fields) and checks it has a field list.
    fn record_start(&mut self, json: &Json, error: bool) -> Result<NodeId, String> {
        let header = self.header()?;
        let name = header.name.clone().ok_or("record without a name")?;
        let doc = header.doc.clone();
        check_not_primitive(&name)?;
        let full = name.full.clone();
        let id = self.arena.push(Kind::Record {
            name,
            doc,
            fields: None,
            field_index: HashMap::new(),
            error,
            aliases: Vec::new(),
        });
        self.define(&full, id)?;
        if !matches!(json.get("fields"), Some(Json::Array(_))) {
            return Err(format!("Record has no fields: {}", json.to_compact()));
        }
        Ok(id)
    }

    /// `setFields`: rejects duplicate field names, then stores the fields.
    fn record_finish(&mut self, id: NodeId, fields: Vec<Field>) -> Result<(), String> {
        let mut index = HashMap::with_capacity(fields.len());
        for (pos, field) in fields.iter().enumerate() {
            if let Some(&prev) = index.get(&field.name) {
                let ty = |f: &Field| self.arena.node(f.ty).ty().constant();
                let full = self.arena.node(id).full_name();
                return Err(format!(
                    "Duplicate field {0} in record {full}: {0} type:{1} pos:{pos} and {0} type:{2} pos:{prev}.",
                    field.name,
                    ty(field),
                    ty(&fields[prev]),
                ));
            }
            index.insert(field.name.clone(), pos);
        }
        if let Kind::Record {
            fields: slot,
            field_index,
            ..
        } = &mut self.arena.nodes[id].kind
        {
            *slot = Some(fields);
            *field_index = index;
        }
        Ok(())
    }

    fn field(&mut self, json: &Json, fields: &mut Vec<Field>) -> Result<(), String> {
        let type_node = self.field_type_node(json)?;
        let ty = self.schema(type_node)?;
        self.field_finish(json, ty, fields)
    }

    /// The field's `type`, checked the way Java checks it before parsing it.
    fn field_type_node<'j>(&self, json: &'j Json) -> Result<&'j Json, String> {
        let name = required_text(json, "name", "No field name")?;
        let type_node = json
            .get("type")
            .ok_or_else(|| format!("No field type: {}", json.to_compact()))?;
        if let Json::Str(type_name) = type_node {
            if self.lookup(type_name)?.is_none() {
                return Err(format!(
                    "{} is not a defined name. The type of the \"{name}\" field must be a defined name or a {{\"type\": ...}} expression.",
                    type_node.to_compact()
                ));
            }
        }
        Ok(type_node)
    }

    /// Order, default (with Java's text-to-double conversion and optional validation), name
    /// validation, properties and aliases.
    fn field_finish(&self, json: &Json, ty: NodeId, fields: &mut Vec<Field>) -> Result<(), String> {
        let name = required_text(json, "name", "No field name")?.to_owned();
        let doc = json.get("doc").and_then(Json::text).map(str::to_owned);
        let order = match json.get("order") {
            None => Order::Ascending,
            Some(node) => parse_order(node)?,
        };
        let mut default = json.get("default").cloned();
        if let (Some(Json::Str(text)), Type::Prim(Prim::Float | Prim::Double)) =
            (&default, self.arena.node(ty).ty())
        {
            default = Some(Json::Double(java_parse_double(text)?));
        }
        validate_name(Some(&name))?;
        if self.validate_defaults {
            if let Some(value) = &default {
                if !is_valid_default(self.arena, ty, Some(value))? {
                    return Err(format!(
                        "Invalid default for field {name}: {} not a {}",
                        value.to_compact(),
                        print::to_string(self.arena, ty)
                    ));
                }
            }
        }
        let props = members(json)
            .iter()
            .filter(|(k, _)| !FIELD_RESERVED.contains(&k.as_str()))
            .cloned()
            .collect();
        let aliases = parse_aliases(json)?.unwrap_or_default();
        fields.push(Field {
            name,
            ty,
            doc,
            default,
            order,
            aliases,
            props,
        });
        Ok(())
    }

    fn enumeration(&mut self, json: &Json) -> Result<NodeId, String> {
        let Some(Json::Array(symbol_nodes)) = json.get("symbols") else {
            return Err(format!("Enum has no symbols: {}", json.to_compact()));
        };
        let header = self.header()?;
        let name = header.name.clone().ok_or("enum without a name")?;
        let doc = header.doc.clone();
        let symbols: Vec<Option<&str>> = symbol_nodes.iter().map(Json::text).collect();
        let default = json.get("default").and_then(Json::text);
        check_not_primitive(&name)?;
        let mut seen = HashSet::with_capacity(symbols.len());
        for symbol in &symbols {
            validate_name(*symbol)?;
            if !seen.insert(*symbol) {
                return Err(format!(
                    "Duplicate enum symbol: {}",
                    symbol.unwrap_or("null")
                ));
            }
        }
        let symbols: Vec<String> = symbols
            .iter()
            .map(|s| s.unwrap_or("null").to_owned())
            .collect();
        if let Some(default) = default {
            if !seen.contains(&Some(default)) {
                return Err(format!(
                    "The Enum Default: {default} is not in the enum symbol set: [{}]",
                    symbols.join(", ")
                ));
            }
        }
        let full = name.full.clone();
        let id = self.arena.push(Kind::Enum {
            name,
            doc,
            symbols,
            default: default.map(str::to_owned),
            aliases: Vec::new(),
        });
        self.define(&full, id)?;
        Ok(id)
    }

    fn fixed(&mut self, json: &Json) -> Result<NodeId, String> {
        let size = match json.get("size") {
            Some(Json::Int(size)) if i32::try_from(*size).is_ok() => *size,
            _ => return Err(format!("Invalid or no size: {}", json.to_compact())),
        };
        let header = self.header()?;
        let name = header.name.clone().ok_or("fixed without a name")?;
        let doc = header.doc.clone();
        check_not_primitive(&name)?;
        if size < 0 {
            return Err(format!("Malformed data. Length is negative: {size}"));
        }
        if size > MAX_FIXED_SIZE {
            return Err(format!(
                "Cannot read arrays longer than {MAX_FIXED_SIZE} bytes in Java library"
            ));
        }
        let full = name.full.clone();
        let id = self.arena.push(Kind::Fixed {
            name,
            doc,
            size,
            aliases: Vec::new(),
        });
        self.define(&full, id)?;
        Ok(id)
    }

    fn union(&mut self, branches: &[Json]) -> Result<NodeId, String> {
        let mut types = Vec::with_capacity(branches.len());
        for branch in branches {
            types.push(self.schema(branch)?);
        }
        self.union_finish(types)
    }

    /// Java's `UnionSchema` constructor checks: no nested unions, no two branches of one name.
    fn union_finish(&mut self, types: Vec<NodeId>) -> Result<NodeId, String> {
        let id = self.arena.push(Kind::Union(types));
        let Kind::Union(types) = &self.arena.node(id).kind else {
            return Ok(id);
        };
        let mut seen: HashSet<&str> = HashSet::with_capacity(types.len());
        for &branch in types {
            let node = self.arena.node(branch);
            if node.ty() == Type::Union {
                return Err(format!(
                    "Nested union: {}",
                    print::to_string(self.arena, id)
                ));
            }
            let full = node.full_name();
            if !seen.insert(full) {
                return Err(format!("Duplicate in union:{full}"));
            }
        }
        Ok(id)
    }
}

/// The kind of object schema, from its `type` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Prim(Prim),
    Record {
        error: bool,
    },
    Enum,
    Fixed,
    Array,
    Map,
    /// Any other `type` string: a named type used by name.
    Reference,
}

/// What `enter` learned about an object schema before its body is parsed.
#[derive(Debug)]
struct Header {
    shape: Shape,
    name: Option<Name>,
    doc: Option<String>,
    /// The enclosing namespace, restored once the object is done.
    saved_space: Option<String>,
}

/// `items` of an array or `values` of a map.
fn container_child(json: &Json, shape: Shape) -> Result<&Json, String> {
    let (key, missing) = if shape == Shape::Array {
        ("items", "Array has no items type")
    } else {
        ("values", "Map has no values type")
    };
    json.get(key)
        .ok_or_else(|| format!("{missing}: {}", json.to_compact()))
}

/// `NamedSchema`'s constructor check.
fn check_not_primitive(name: &Name) -> Result<(), String> {
    if Prim::from_name(&name.full).is_some() {
        return Err(format!(
            "Schemas may not be named after primitives: {}",
            name.full
        ));
    }
    Ok(())
}

fn members(json: &Json) -> &[(String, Json)] {
    match json {
        Json::Object(members) => members,
        _ => &[],
    }
}

/// `getRequiredText`: the member must be a string.
fn required_text<'j>(json: &'j Json, key: &str, error: &str) -> Result<&'j str, String> {
    json.get(key)
        .and_then(Json::text)
        .ok_or_else(|| format!("{error}: {}", json.to_compact()))
}

fn parse_order(node: &Json) -> Result<Order, String> {
    let Some(text) = node.text() else {
        return Err("Cannot invoke \"String.toUpperCase(java.util.Locale)\" because the return value of \"com.fasterxml.jackson.databind.JsonNode.textValue()\" is null".to_owned());
    };
    let upper = text.to_uppercase();
    match upper.as_str() {
        "ASCENDING" => Ok(Order::Ascending),
        "DESCENDING" => Ok(Order::Descending),
        "IGNORE" => Ok(Order::Ignore),
        _ => Err(format!(
            "No enum constant org.apache.avro.Schema.Field.Order.{upper}"
        )),
    }
}

/// `parseAliases`: `None` when absent; duplicates dropped, first position kept.
fn parse_aliases(json: &Json) -> Result<Option<Vec<String>>, String> {
    let Some(node) = json.get("aliases") else {
        return Ok(None);
    };
    let Json::Array(items) = node else {
        return Err(format!("aliases not an array: {}", json.to_compact()));
    };
    let mut aliases: Vec<String> = Vec::with_capacity(items.len());
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        let alias = item
            .text()
            .ok_or_else(|| format!("alias not a string: {}", item.to_compact()))?;
        if seen.insert(alias) {
            aliases.push(alias.to_owned());
        }
    }
    Ok(Some(aliases))
}
