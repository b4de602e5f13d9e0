//! The Avro schema model and its parser, with Java Avro's name rules and validation messages.
//!
//! Schemas live in an arena: every occurrence of an anonymous type (primitive, array, map, union)
//! is its own node, while every use of a named type points at the one node that defines it, which
//! is the object identity Java's compatibility checker memoizes on. The parser follows
//! `org.apache.avro.Schema.parse` (Avro 1.11) check for check and in the same order, so that the
//! first error found is the one Java reports, with Java's wording.

use std::collections::HashMap;

use super::json::{Json, java_parse_double};
use super::print;

/// Index of a node in [`Arena::nodes`].
pub(crate) type NodeId = usize;

/// The eight primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prim {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Prim {
    pub(crate) fn from_name(name: &str) -> Option<Prim> {
        Some(match name {
            "null" => Prim::Null,
            "boolean" => Prim::Boolean,
            "int" => Prim::Int,
            "long" => Prim::Long,
            "float" => Prim::Float,
            "double" => Prim::Double,
            "bytes" => Prim::Bytes,
            "string" => Prim::String,
            _ => return None,
        })
    }
}

/// Java's `Schema.Type`, used for dispatch and in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
    Prim(Prim),
}

impl Type {
    /// The lower-case spelling (`Type.getName()`), also the full name of anonymous types.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Type::Record => "record",
            Type::Enum => "enum",
            Type::Array => "array",
            Type::Map => "map",
            Type::Union => "union",
            Type::Fixed => "fixed",
            Type::Prim(p) => match p {
                Prim::Null => "null",
                Prim::Boolean => "boolean",
                Prim::Int => "int",
                Prim::Long => "long",
                Prim::Float => "float",
                Prim::Double => "double",
                Prim::Bytes => "bytes",
                Prim::String => "string",
            },
        }
    }

    /// The upper-case enum constant (`Type.toString()`), as messages print it.
    pub(crate) fn constant(self) -> String {
        self.name().to_ascii_uppercase()
    }

    /// Whether `name` is the name of any type, which forces qualified output (`shouldWriteFull`).
    pub(crate) fn is_type_name(name: &str) -> bool {
        Prim::from_name(name).is_some()
            || matches!(name, "record" | "enum" | "array" | "map" | "union" | "fixed")
    }
}

/// A validated name: the simple name and the namespace it was resolved in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) name: String,
    pub(crate) space: Option<String>,
    pub(crate) full: String,
}

impl Name {
    /// Java's `new Name(name, space)`: a dotted name carries its own namespace, and an empty
    /// namespace means none. Only the simple name is validated, as in Java.
    pub(crate) fn new(name: &str, space: Option<&str>) -> Result<Name, String> {
        let (simple, space) = match name.rfind('.') {
            Some(dot) => (&name[dot + 1..], Some(&name[..dot])),
            None => (name, space),
        };
        validate_name(Some(simple))?;
        let space = space.filter(|s| !s.is_empty()).map(str::to_owned);
        let full = match &space {
            Some(space) => format!("{space}.{simple}"),
            None => simple.to_owned(),
        };
        Ok(Name {
            name: simple.to_owned(),
            space,
            full,
        })
    }

    /// `Name.getQualified(defaultSpace)`.
    pub(crate) fn qualified(&self, default_space: Option<&str>) -> &str {
        match &self.space {
            Some(space) if Some(space.as_str()) == default_space && !Type::is_type_name(&self.name) => {
                &self.name
            }
            _ => &self.full,
        }
    }
}

/// Java's `Schema.validateName`, letters and digits by Unicode category.
pub(crate) fn validate_name(name: Option<&str>) -> Result<(), String> {
    let Some(name) = name else {
        return Err("Null name".to_owned());
    };
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("Empty name".to_owned());
    };
    if !(java_is_letter(first) || first == '_') {
        return Err(format!("Illegal initial character: {name}"));
    }
    if !chars.all(|c| java_is_letter(c) || java_is_digit(c) || c == '_') {
        return Err(format!("Illegal character in: {name}"));
    }
    Ok(())
}

/// `Character.isLetter(char)`: characters outside the BMP are surrogate pairs to Java, never letters.
fn java_is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        (c as u32) <= 0xFFFF && c.is_alphabetic()
    }
}

/// `Character.isDigit(char)`.
fn java_is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        (c as u32) <= 0xFFFF && c.is_numeric()
    }
}

/// A field's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Ascending,
    Descending,
    Ignore,
}

/// A record field.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) ty: NodeId,
    pub(crate) doc: Option<String>,
    pub(crate) default: Option<Json>,
    pub(crate) order: Order,
    pub(crate) aliases: Vec<String>,
    pub(crate) props: Vec<(String, Json)>,
}

/// What a node is.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Prim(Prim),
    Record {
        name: Name,
        doc: Option<String>,
        /// `None` while the record's own fields are being parsed, as in Java.
        fields: Option<Vec<Field>>,
        error: bool,
        aliases: Vec<Name>,
    },
    Enum {
        name: Name,
        doc: Option<String>,
        symbols: Vec<String>,
        default: Option<String>,
        aliases: Vec<Name>,
    },
    Fixed {
        name: Name,
        doc: Option<String>,
        size: i64,
        aliases: Vec<Name>,
    },
    Array(NodeId),
    Map(NodeId),
    Union(Vec<NodeId>),
}

/// A logical type that Avro recognised and accepted on its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Logical {
    Decimal { precision: i64, scale: i64 },
    Other(String),
}

/// One schema node: its kind, custom properties in input order, and its valid logical type.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) props: Vec<(String, Json)>,
    pub(crate) logical: Option<Logical>,
}

impl Node {
    pub(crate) fn ty(&self) -> Type {
        match &self.kind {
            Kind::Prim(p) => Type::Prim(*p),
            Kind::Record { .. } => Type::Record,
            Kind::Enum { .. } => Type::Enum,
            Kind::Fixed { .. } => Type::Fixed,
            Kind::Array(_) => Type::Array,
            Kind::Map(_) => Type::Map,
            Kind::Union(_) => Type::Union,
        }
    }

    /// The name of a named type.
    pub(crate) fn name(&self) -> Option<&Name> {
        match &self.kind {
            Kind::Record { name, .. } | Kind::Enum { name, .. } | Kind::Fixed { name, .. } => {
                Some(name)
            }
            _ => None,
        }
    }

    /// `getFullName()`: the full name of a named type, the type name otherwise.
    pub(crate) fn full_name(&self) -> &str {
        self.name().map_or_else(|| self.ty().name(), |n| n.full.as_str())
    }

    pub(crate) fn aliases(&self) -> &[Name] {
        match &self.kind {
            Kind::Record { aliases, .. } | Kind::Enum { aliases, .. } | Kind::Fixed { aliases, .. } => {
                aliases
            }
            _ => &[],
        }
    }
}

/// All nodes of a schema and of the references it was parsed with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
}

impl Arena {
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    fn push(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node {
            kind,
            props: Vec::new(),
            logical: None,
        });
        self.nodes.len() - 1
    }

    /// The fields of a record; a record still being parsed has none yet.
    pub(crate) fn fields(&self, id: NodeId) -> &[Field] {
        match &self.nodes[id].kind {
            Kind::Record {
                fields: Some(fields),
                ..
            } => fields,
            _ => &[],
        }
    }
}

const SCHEMA_RESERVED: [&str; 10] = [
    "doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases",
];
const FIELD_RESERVED: [&str; 6] = ["default", "doc", "name", "order", "type", "aliases"];

/// Largest `fixed` size Java accepts (`SystemLimitException`'s VM array limit).
const MAX_FIXED_SIZE: i64 = i32::MAX as i64 - 8;

/// What a name lookup found: a fresh primitive or a named definition.
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
}

impl<'a> Parser<'a> {
    pub(crate) fn new(arena: &'a mut Arena, validate_defaults: bool) -> Parser<'a> {
        Parser {
            arena,
            names: HashMap::new(),
            space: None,
            validate_defaults,
        }
    }

    /// The nodes parsed so far.
    pub(crate) fn arena(&self) -> &Arena {
        self.arena
    }

    /// Parses one schema document; named types it defines stay known to later parses.
    pub(crate) fn parse(&mut self, json: &Json) -> Result<NodeId, String> {
        self.space = None;
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

    fn schema(&mut self, json: &Json) -> Result<NodeId, String> {
        match json {
            Json::Str(name) => match self.lookup(name)? {
                Some(found) => Ok(self.materialize(found)),
                None => Err(format!("Undefined name: {}", json.to_compact())),
            },
            Json::Object(_) => self.object(json),
            Json::Array(branches) => self.union(branches),
            _ => Err(format!("Schema not yet supported: {}", json.to_compact())),
        }
    }

    fn object(&mut self, json: &Json) -> Result<NodeId, String> {
        let ty = required_text(json, "type", "No type")?;
        let saved_space = self.space.clone();
        let named = matches!(ty, "record" | "error" | "enum" | "fixed");
        let mut name = None;
        let mut doc = None;
        if named {
            let space = match json.get("namespace").and_then(Json::text) {
                Some(space) => Some(space.to_owned()),
                None => saved_space.clone(),
            };
            doc = json.get("doc").and_then(Json::text).map(str::to_owned);
            let parsed = Name::new(required_text(json, "name", "No name in schema")?, space.as_deref())?;
            self.space = parsed.space.clone();
            name = Some(parsed);
        }
        let id = if let Some(p) = Prim::from_name(ty) {
            self.arena.push(Kind::Prim(p))
        } else if let Some(name) = name {
            match ty {
                "record" | "error" => self.record(json, name, doc, ty == "error")?,
                "enum" => self.enumeration(json, name, doc)?,
                _ => self.fixed(json, name, doc)?,
            }
        } else if ty == "array" {
            let items = json
                .get("items")
                .ok_or_else(|| format!("Array has no items type: {}", json.to_compact()))?;
            let items = self.schema(items)?;
            self.arena.push(Kind::Array(items))
        } else if ty == "map" {
            let values = json
                .get("values")
                .ok_or_else(|| format!("Map has no values type: {}", json.to_compact()))?;
            let values = self.schema(values)?;
            self.arena.push(Kind::Map(values))
        } else {
            // A named type used as {"type": "Name"}: only the current namespace is searched.
            let by_type = Name::new(ty, self.space.as_deref())?;
            return match self.names.get(&by_type.full) {
                Some(&id) => Ok(id),
                None => Err(format!("Type not supported: {ty}")),
            };
        };
        let is_enum = ty == "enum";
        let props: Vec<(String, Json)> = members(json)
            .iter()
            .filter(|(k, _)| !SCHEMA_RESERVED.contains(&k.as_str()) && !(is_enum && k == "default"))
            .cloned()
            .collect();
        self.arena.nodes[id].props = props;
        self.arena.nodes[id].logical = logical_type(&self.arena.nodes[id]);
        self.space = saved_space;
        if named {
            if let Some(aliases) = parse_aliases(json)? {
                let own_space = self.arena.nodes[id].name().and_then(|n| n.space.clone());
                let mut parsed: Vec<Name> = Vec::new();
                for alias in aliases {
                    let alias = Name::new(&alias, own_space.as_deref())?;
                    if !parsed.iter().any(|a| a.full == alias.full) {
                        parsed.push(alias);
                    }
                }
                match &mut self.arena.nodes[id].kind {
                    Kind::Record { aliases, .. }
                    | Kind::Enum { aliases, .. }
                    | Kind::Fixed { aliases, .. } => *aliases = parsed,
                    _ => {}
                }
            }
        }
        Ok(id)
    }

    fn check_not_primitive(name: &Name) -> Result<(), String> {
        if Prim::from_name(&name.full).is_some() {
            return Err(format!(
                "Schemas may not be named after primitives: {}",
                name.full
            ));
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

    fn record(&mut self, json: &Json, name: Name, doc: Option<String>, error: bool) -> Result<NodeId, String> {
        Self::check_not_primitive(&name)?;
        let full = name.full.clone();
        let id = self.arena.push(Kind::Record {
            name,
            doc,
            fields: None,
            error,
            aliases: Vec::new(),
        });
        self.define(&full, id)?;
        let Some(Json::Array(field_nodes)) = json.get("fields") else {
            return Err(format!("Record has no fields: {}", json.to_compact()));
        };
        let mut fields = Vec::with_capacity(field_nodes.len());
        for field in field_nodes {
            fields.push(self.field(field)?);
        }
        for (pos, field) in fields.iter().enumerate() {
            if let Some(prev) = fields[..pos].iter().position(|f| f.name == field.name) {
                let ty = |f: &Field| self.arena.node(f.ty).ty().constant();
                return Err(format!(
                    "Duplicate field {0} in record {full}: {0} type:{1} pos:{pos} and {0} type:{2} pos:{prev}.",
                    field.name,
                    ty(field),
                    ty(&fields[prev]),
                ));
            }
        }
        if let Kind::Record { fields: slot, .. } = &mut self.arena.nodes[id].kind {
            *slot = Some(fields);
        }
        Ok(id)
    }

    fn field(&mut self, json: &Json) -> Result<Field, String> {
        let name = required_text(json, "name", "No field name")?.to_owned();
        let doc = json.get("doc").and_then(Json::text).map(str::to_owned);
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
        let ty = self.schema(type_node)?;
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
        Ok(Field {
            name,
            ty,
            doc,
            default,
            order,
            aliases,
            props,
        })
    }

    fn enumeration(&mut self, json: &Json, name: Name, doc: Option<String>) -> Result<NodeId, String> {
        let Some(Json::Array(symbol_nodes)) = json.get("symbols") else {
            return Err(format!("Enum has no symbols: {}", json.to_compact()));
        };
        let symbols: Vec<Option<&str>> = symbol_nodes.iter().map(Json::text).collect();
        let default = json.get("default").and_then(Json::text);
        Self::check_not_primitive(&name)?;
        for (i, symbol) in symbols.iter().enumerate() {
            validate_name(*symbol)?;
            if symbols[..i].contains(symbol) {
                return Err(format!("Duplicate enum symbol: {}", symbol.unwrap_or("null")));
            }
        }
        let symbols: Vec<String> = symbols.iter().map(|s| s.unwrap_or("null").to_owned()).collect();
        if let Some(default) = default {
            if !symbols.iter().any(|s| s == default) {
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

    fn fixed(&mut self, json: &Json, name: Name, doc: Option<String>) -> Result<NodeId, String> {
        let size = match json.get("size") {
            Some(Json::Int(size)) if i32::try_from(*size).is_ok() => *size,
            _ => return Err(format!("Invalid or no size: {}", json.to_compact())),
        };
        Self::check_not_primitive(&name)?;
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
        let id = self.arena.push(Kind::Union(types.clone()));
        let mut seen: Vec<&str> = Vec::with_capacity(types.len());
        for &branch in &types {
            let node = self.arena.node(branch);
            if node.ty() == Type::Union {
                return Err(format!("Nested union: {}", print::to_string(self.arena, id)));
            }
            let full = node.full_name();
            if seen.contains(&full) {
                return Err(format!("Duplicate in union:{full}"));
            }
            seen.push(full);
        }
        Ok(id)
    }
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
    for item in items {
        let alias = item
            .text()
            .ok_or_else(|| format!("alias not a string: {}", item.to_compact()))?;
        if !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_owned());
        }
    }
    Ok(Some(aliases))
}

/// Java's `Schema.isValidDefault`. The error case is Java's exception when a record's own default
/// reaches back into that record before its fields are set.
fn is_valid_default(arena: &Arena, ty: NodeId, value: Option<&Json>) -> Result<bool, String> {
    let Some(value) = value else {
        return Ok(false);
    };
    let node = arena.node(ty);
    Ok(match &node.kind {
        Kind::Prim(p) => match p {
            Prim::String | Prim::Bytes => matches!(value, Json::Str(_)),
            Prim::Int => value.is_java_int(),
            Prim::Long => matches!(value, Json::Int(_)),
            Prim::Float | Prim::Double => {
                matches!(value, Json::Int(_) | Json::BigInt(_) | Json::Double(_) | Json::Float(_))
            }
            Prim::Boolean => matches!(value, Json::Bool(_)),
            Prim::Null => matches!(value, Json::Null),
        },
        Kind::Enum { .. } | Kind::Fixed { .. } => matches!(value, Json::Str(_)),
        Kind::Array(items) => match value {
            Json::Array(elements) => {
                for element in elements {
                    if !is_valid_default(arena, *items, Some(element))? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        },
        Kind::Map(values) => match value {
            Json::Object(entries) => {
                for (_, entry) in entries {
                    if !is_valid_default(arena, *values, Some(entry))? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        },
        Kind::Union(branches) => match branches.first() {
            Some(&first) => is_valid_default(arena, first, Some(value))?,
            None => return Err("Index 0 out of bounds for length 0".to_owned()),
        },
        Kind::Record { fields, .. } => {
            let Json::Object(_) = value else {
                return Ok(false);
            };
            let Some(fields) = fields else {
                return Err("Schema fields not set yet".to_owned());
            };
            for field in fields {
                let member = value.get(&field.name).or(field.default.as_ref());
                if !is_valid_default(arena, field.ty, member)? {
                    return Ok(false);
                }
            }
            true
        }
    })
}

/// `LogicalTypes.fromSchemaIgnoreInvalid` for the logical types Avro 1.11 knows.
fn logical_type(node: &Node) -> Option<Logical> {
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
