//! The Avro schema model: an arena of nodes, names with Java's resolution and validation rules.
//!
//! Every occurrence of an anonymous type (primitive, array, map, union) is its own node, while
//! every use of a named type points at the one node that defines it: the object identity Java's
//! compatibility checker memoizes on. Building the model is `parse.rs`'s job.

use std::collections::HashMap;

use super::json::Json;

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
            || matches!(
                name,
                "record" | "enum" | "array" | "map" | "union" | "fixed"
            )
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
            Some(space)
                if Some(space.as_str()) == default_space && !Type::is_type_name(&self.name) =>
            {
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
        /// Position of each field by name (Java's `fieldMap`).
        field_index: HashMap<String, usize>,
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
        self.name()
            .map_or_else(|| self.ty().name(), |n| n.full.as_str())
    }

    pub(crate) fn aliases(&self) -> &[Name] {
        match &self.kind {
            Kind::Record { aliases, .. }
            | Kind::Enum { aliases, .. }
            | Kind::Fixed { aliases, .. } => aliases,
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

    pub(crate) fn push(&mut self, kind: Kind) -> NodeId {
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

    /// A record's field by name (`Schema.getField`).
    pub(crate) fn field(&self, id: NodeId, name: &str) -> Option<&Field> {
        match &self.nodes[id].kind {
            Kind::Record {
                fields: Some(fields),
                field_index,
                ..
            } => field_index.get(name).and_then(|&at| fields.get(at)),
            _ => None,
        }
    }
}
