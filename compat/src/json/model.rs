//! The schema model the diff walks, built the way the everit library (under Confluent) loads a
//! schema: one node per schema location, typed by `type` or by the keywords present, several
//! extracted schemas joined in a synthetic `allOf`, and `$ref`s resolved to the node they name.
//!
//! Loading is a work queue, not a recursion: each location is filled once from a flat loop, so
//! neither deep nesting nor long `$ref` chains can overflow the stack, and reference cycles simply
//! point back at an existing node. `$ref`s resolve inside the given documents only.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use super::validate::Dialect;

pub(super) type NodeId = usize;

/// One JSON document: the schema itself (no name) or a reference given as data.
#[derive(Debug, Clone)]
pub(super) struct Document {
    pub(super) name: Option<String>,
    pub(super) value: Value,
    pub(super) dialect: Dialect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Criterion::All => "allOf",
            Criterion::Any => "anyOf",
            Criterion::One => "oneOf",
        }
    }
}

/// The attributes every schema carries (`$id`, `title`, `description`, `default`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Common {
    pub(super) id: Option<Value>,
    pub(super) title: Option<Value>,
    pub(super) description: Option<Value>,
    pub(super) default: Option<Value>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct NumberKind {
    pub(super) requires_integer: bool,
    pub(super) minimum: Option<Number>,
    pub(super) maximum: Option<Number>,
    pub(super) exclusive_minimum: Option<Number>,
    pub(super) exclusive_maximum: Option<Number>,
    pub(super) multiple_of: Option<Number>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ObjectKind {
    pub(super) properties: Vec<(String, NodeId)>,
    pub(super) required: Vec<String>,
    pub(super) permits_additional: bool,
    pub(super) additional: Option<NodeId>,
    pub(super) pattern_properties: Vec<(String, NodeId)>,
    pub(super) min_properties: Option<f64>,
    pub(super) max_properties: Option<f64>,
    pub(super) property_dependencies: Vec<(String, Vec<String>)>,
    pub(super) schema_dependencies: Vec<(String, NodeId)>,
    pub(super) unevaluated: Option<NodeId>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ArrayKind {
    pub(super) all_items: Option<NodeId>,
    pub(super) item_schemas: Vec<NodeId>,
    pub(super) permits_additional: bool,
    pub(super) additional: Option<NodeId>,
    pub(super) min_items: Option<f64>,
    pub(super) max_items: Option<f64>,
    pub(super) unique_items: bool,
    pub(super) unevaluated: Option<NodeId>,
    pub(super) min_contains: Option<f64>,
    pub(super) max_contains: Option<f64>,
}

/// The everit schema class a node stands for, with the attributes the diff reads.
#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// `{}` or an object with no schema keyword (everit's `EmptySchema`).
    Empty,
    /// `true` (`TrueSchema`, a subclass of `EmptySchema`).
    True,
    False,
    Boolean,
    Null,
    String {
        min_length: Option<f64>,
        max_length: Option<f64>,
        pattern: Option<String>,
    },
    Number(NumberKind),
    Object(Box<ObjectKind>),
    Array(Box<ArrayKind>),
    Enum(Vec<Value>),
    Const(Value),
    Not(NodeId),
    Combined {
        criterion: Criterion,
        subschemas: Vec<NodeId>,
    },
    Ref(NodeId),
    Conditional,
}

impl Kind {
    /// Whether two nodes are of the same everit class.
    pub(super) fn same_class(&self, other: &Kind) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    fn tag(&self) -> &'static str {
        match self {
            Kind::Empty => "empty",
            Kind::True => "true",
            Kind::False => "false",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
            Kind::String { .. } => "string",
            Kind::Number(_) => "number",
            Kind::Object(_) => "object",
            Kind::Array(_) => "array",
            Kind::Enum(_) => "enum",
            Kind::Const(_) => "const",
            Kind::Not(_) => "not",
            Kind::Combined { .. } => "combined",
            Kind::Ref(_) => "ref",
            Kind::Conditional => "conditional",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) common: Common,
    /// Identity for collapsing duplicate subschemas of a combined schema (Confluent compares the
    /// subschemas' canonical text).
    pub(super) key: String,
    /// Carries Kafka Connect's `"connect.type": "bytes"` (exempt from `TYPE_CHANGED`).
    pub(super) connect_bytes: bool,
}

/// A loaded schema: every node reachable from the root, the root first.
#[derive(Debug, Clone)]
pub(super) struct Model {
    pub(super) nodes: Vec<Node>,
    pub(super) root: NodeId,
}

impl Model {
    /// Loads document 0 (resolving `$ref`s into the others); `Err` names what did not resolve.
    pub(super) fn load(documents: &[Document]) -> Result<Model, String> {
        let ids = index_ids(documents);
        let mut loader = Loader {
            docs: documents,
            ids,
            nodes: Vec::new(),
            located: HashMap::new(),
            queue: Vec::new(),
        };
        let root = loader.node_for(0, String::new());
        while let Some((id, doc, pointer)) = loader.queue.pop() {
            loader.fill(id, doc, &pointer)?;
        }
        let mut pointers = vec![String::new(); loader.nodes.len()];
        for ((_, pointer), id) in loader.located {
            pointers[id] = pointer;
        }
        check_cycles(&loader.nodes, &pointers)?;
        Ok(Model {
            nodes: loader.nodes,
            root,
        })
    }

    pub(super) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

/// A `$id` or `$anchor` found in a document, with the absolute URI it names.
#[derive(Debug)]
struct IdEntry {
    doc: usize,
    pointer: String,
    uri: String,
}

struct Loader<'a> {
    docs: &'a [Document],
    ids: Vec<IdEntry>,
    nodes: Vec<Node>,
    located: HashMap<(usize, String), NodeId>,
    queue: Vec<(NodeId, usize, String)>,
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn child(pointer: &str, segments: &[&str]) -> String {
    let mut out = pointer.to_owned();
    for segment in segments {
        out.push('/');
        out.push_str(&escape(segment));
    }
    out
}

fn number(map: &Map<String, Value>, key: &str) -> Option<Number> {
    match map.get(key) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    }
}

fn float(map: &Map<String, Value>, key: &str) -> Option<f64> {
    map.get(key).and_then(Value::as_f64)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "prefixItems",
];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

impl Loader<'_> {
    /// The node for a location, queued for filling the first time it is asked for.
    fn node_for(&mut self, doc: usize, pointer: String) -> NodeId {
        if let Some(&id) = self.located.get(&(doc, pointer.clone())) {
            return id;
        }
        let id = self.push(Kind::Empty, Common::default(), String::new());
        self.located.insert((doc, pointer.clone()), id);
        self.queue.push((id, doc, pointer));
        id
    }

    fn push(&mut self, kind: Kind, common: Common, key: String) -> NodeId {
        self.nodes.push(Node {
            kind,
            common,
            key,
            connect_bytes: false,
        });
        self.nodes.len() - 1
    }

    fn fill(&mut self, id: NodeId, doc: usize, pointer: &str) -> Result<(), String> {
        let docs = self.docs;
        let document = &docs[doc];
        let Some(value) = document.value.pointer(pointer) else {
            return Err(format!("no schema at '#{pointer}'"));
        };
        let key = super::text::compact(value);
        let (kind, common) = match value {
            Value::Bool(true) => (Kind::True, Common::default()),
            Value::Bool(false) => (Kind::False, Common::default()),
            Value::Object(map) => self.object(doc, pointer, map, document.dialect, &key)?,
            _ => (Kind::Empty, Common::default()),
        };
        let connect_bytes = value.get("connect.type") == Some(&Value::from("bytes"));
        self.nodes[id] = Node {
            kind,
            common,
            key,
            connect_bytes,
        };
        Ok(())
    }

    /// Everit's `loadSchemaObject`: every extractor that applies contributes a schema.
    fn object(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        dialect: Dialect,
        key: &str,
    ) -> Result<(Kind, Common), String> {
        let mut extracted: Vec<Kind> = Vec::new();
        if let Some(Value::String(reference)) = map.get("$ref") {
            let (target_doc, target_pointer) = self.resolve(doc, pointer, reference)?;
            extracted.push(Kind::Ref(self.node_for(target_doc, target_pointer)));
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            extracted.push(Kind::Enum(values.clone()));
        }
        for criterion in [Criterion::All, Criterion::Any, Criterion::One] {
            if let Some(Value::Array(items)) = map.get(criterion.keyword()) {
                let subschemas = (0..items.len())
                    .map(|i| {
                        self.node_for(doc, child(pointer, &[criterion.keyword(), &i.to_string()]))
                    })
                    .collect();
                extracted.push(Kind::Combined {
                    criterion,
                    subschemas,
                });
            }
        }
        if map.contains_key("not") {
            extracted.push(Kind::Not(self.node_for(doc, child(pointer, &["not"]))));
        }
        if let Some(value) = map.get("const").filter(|_| dialect >= Dialect::Draft6) {
            extracted.push(Kind::Const(value.clone()));
        }
        match map.get("type") {
            Some(Value::String(name)) => {
                extracted.push(self.typed(doc, pointer, map, dialect, name));
            }
            Some(Value::Array(names)) => {
                let mut subschemas = Vec::new();
                for name in names.iter().filter_map(Value::as_str) {
                    let kind = self.typed(doc, pointer, map, dialect, name);
                    let sub_key = format!("{}:{key}", kind.tag());
                    subschemas.push(self.push(kind, Common::default(), sub_key));
                }
                extracted.push(Kind::Combined {
                    criterion: Criterion::Any,
                    subschemas,
                });
            }
            _ => {
                let has = |keywords: &[&str]| keywords.iter().any(|k| map.contains_key(*k));
                if has(ARRAY_KEYWORDS) {
                    extracted.push(self.typed(doc, pointer, map, dialect, "array"));
                }
                if has(OBJECT_KEYWORDS) {
                    extracted.push(self.typed(doc, pointer, map, dialect, "object"));
                }
                if has(NUMBER_KEYWORDS) {
                    extracted.push(self.typed(doc, pointer, map, dialect, "number"));
                }
                if has(STRING_KEYWORDS) {
                    extracted.push(self.typed(doc, pointer, map, dialect, "string"));
                }
            }
        }
        if dialect >= Dialect::Draft7 && (map.contains_key("if")) {
            extracted.push(Kind::Conditional);
        }
        let id_keyword = if dialect == Dialect::Draft4 {
            "id"
        } else {
            "$id"
        };
        let common = Common {
            id: map.get(id_keyword).cloned(),
            title: map.get("title").cloned(),
            description: map.get("description").cloned(),
            default: map.get("default").cloned(),
        };
        let kind = match extracted.len() {
            0 => Kind::Empty,
            1 => extracted.pop().unwrap_or(Kind::Empty),
            _ => {
                let subschemas = extracted
                    .into_iter()
                    .map(|kind| {
                        let sub_key = format!("{}:{key}", kind.tag());
                        self.push(kind, Common::default(), sub_key)
                    })
                    .collect();
                Kind::Combined {
                    criterion: Criterion::All,
                    subschemas,
                }
            }
        };
        Ok((kind, common))
    }

    /// The schema of one explicit (or sniffed) `type`, from the keywords of `map`.
    fn typed(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        dialect: Dialect,
        name: &str,
    ) -> Kind {
        match name {
            "string" => Kind::String {
                min_length: float(map, "minLength"),
                max_length: float(map, "maxLength"),
                pattern: map
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
            "integer" | "number" => {
                let draft4 = dialect == Dialect::Draft4;
                Kind::Number(NumberKind {
                    requires_integer: name == "integer",
                    minimum: number(map, "minimum"),
                    maximum: number(map, "maximum"),
                    exclusive_minimum: if draft4 {
                        None
                    } else {
                        number(map, "exclusiveMinimum")
                    },
                    exclusive_maximum: if draft4 {
                        None
                    } else {
                        number(map, "exclusiveMaximum")
                    },
                    multiple_of: number(map, "multipleOf"),
                })
            }
            "object" => Kind::Object(Box::new(self.object_kind(doc, pointer, map))),
            "array" => Kind::Array(Box::new(self.array_kind(doc, pointer, map, dialect))),
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            _ => Kind::Empty,
        }
    }

    fn object_kind(&mut self, doc: usize, pointer: &str, map: &Map<String, Value>) -> ObjectKind {
        let mut object = ObjectKind {
            permits_additional: true,
            required: strings(map.get("required")),
            min_properties: float(map, "minProperties"),
            max_properties: float(map, "maxProperties"),
            ..ObjectKind::default()
        };
        if let Some(Value::Object(properties)) = map.get("properties") {
            for name in properties.keys() {
                let id = self.node_for(doc, child(pointer, &["properties", name]));
                object.properties.push((name.clone(), id));
            }
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for pattern in patterns.keys() {
                let id = self.node_for(doc, child(pointer, &["patternProperties", pattern]));
                object.pattern_properties.push((pattern.clone(), id));
            }
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(permits)) => object.permits_additional = *permits,
            Some(_) => {
                object.additional =
                    Some(self.node_for(doc, child(pointer, &["additionalProperties"])));
            }
            None => {}
        }
        for keyword in ["dependencies", "dependentRequired", "dependentSchemas"] {
            if let Some(Value::Object(entries)) = map.get(keyword) {
                for (name, dependency) in entries {
                    if dependency.is_array() {
                        object
                            .property_dependencies
                            .push((name.clone(), strings(Some(dependency))));
                    } else {
                        let id = self.node_for(doc, child(pointer, &[keyword, name]));
                        object.schema_dependencies.push((name.clone(), id));
                    }
                }
            }
        }
        if map.contains_key("unevaluatedProperties") {
            object.unevaluated =
                Some(self.node_for(doc, child(pointer, &["unevaluatedProperties"])));
        }
        object
    }

    fn array_kind(
        &mut self,
        doc: usize,
        pointer: &str,
        map: &Map<String, Value>,
        dialect: Dialect,
    ) -> ArrayKind {
        let mut array = ArrayKind {
            permits_additional: true,
            min_items: float(map, "minItems"),
            max_items: float(map, "maxItems"),
            unique_items: map.get("uniqueItems") == Some(&Value::Bool(true)),
            min_contains: float(map, "minContains"),
            max_contains: float(map, "maxContains"),
            ..ArrayKind::default()
        };
        // Draft 2020-12 spells the tuple `prefixItems` and its tail `items`.
        let (tuple_keyword, tail_keyword) =
            if dialect == Dialect::Draft2020 && map.contains_key("prefixItems") {
                ("prefixItems", "items")
            } else {
                ("items", "additionalItems")
            };
        match map.get(tuple_keyword) {
            Some(Value::Array(items)) => {
                array.item_schemas = (0..items.len())
                    .map(|i| self.node_for(doc, child(pointer, &[tuple_keyword, &i.to_string()])))
                    .collect();
            }
            Some(_) if tuple_keyword == "items" => {
                array.all_items = Some(self.node_for(doc, child(pointer, &["items"])));
            }
            _ => {}
        }
        match map.get(tail_keyword) {
            Some(Value::Bool(permits)) => array.permits_additional = *permits,
            Some(_) => {
                array.additional = Some(self.node_for(doc, child(pointer, &[tail_keyword])));
            }
            None => {}
        }
        if map.contains_key("unevaluatedItems") {
            array.unevaluated = Some(self.node_for(doc, child(pointer, &["unevaluatedItems"])));
        }
        array
    }

    /// Resolves `reference` found at `pointer` of document `doc` to a location holding a schema.
    fn resolve(
        &self,
        doc: usize,
        pointer: &str,
        reference: &str,
    ) -> Result<(usize, String), String> {
        let unresolvable = |why: &str| {
            format!(
                "keyword '$ref' at '#{pointer}/$ref': '{reference}' {why}; \
                 nothing is fetched from the network or the filesystem"
            )
        };
        let base = base_at(&self.docs[doc], pointer);
        let local = reference
            .strip_prefix('#')
            .filter(|f| f.is_empty() || f.starts_with('/'));
        let target = if let Some(fragment) = local {
            // A pointer into the resource the reference sits in.
            let resource = self
                .ids
                .iter()
                .find(|e| e.doc == doc && e.uri == base && !base.is_empty())
                .map(|e| e.pointer.clone())
                .unwrap_or_default();
            Some((doc, format!("{resource}{}", decode(fragment))))
        } else {
            let full = resolve_uri(&base, reference);
            let (uri, fragment) = split_fragment(&full);
            let (reference_uri, _) = split_fragment(reference);
            let named = self
                .ids
                .iter()
                .find(|e| e.uri == full)
                .map(|e| (e.doc, e.pointer.clone()));
            named.or_else(|| {
                let resource = self
                    .ids
                    .iter()
                    .find(|e| e.uri == uri && !uri.is_empty())
                    .map(|e| (e.doc, e.pointer.clone()))
                    .or_else(|| {
                        self.docs
                            .iter()
                            .position(|d| {
                                d.name.as_deref().is_some_and(|n| {
                                    n == reference || n == reference_uri || n == uri
                                })
                            })
                            .map(|d| (d, String::new()))
                    });
                let (resource_doc, resource_pointer) = resource?;
                if fragment.is_empty() || fragment.starts_with('/') {
                    Some((
                        resource_doc,
                        format!("{resource_pointer}{}", decode(fragment)),
                    ))
                } else {
                    let anchor = format!("{uri}#{fragment}");
                    self.ids
                        .iter()
                        .find(|e| e.uri == anchor)
                        .map(|e| (e.doc, e.pointer.clone()))
                }
            })
        };
        let Some((target_doc, target_pointer)) = target else {
            return Err(unresolvable(
                "does not resolve to this schema, a `$id` in it, or a given reference",
            ));
        };
        match self.docs[target_doc].value.pointer(&target_pointer) {
            Some(Value::Object(_) | Value::Bool(_)) => Ok((target_doc, target_pointer)),
            Some(_) => Err(unresolvable("does not point at a schema")),
            None => Err(unresolvable("points at nothing")),
        }
    }
}

/// Percent-decoding of a URI fragment used as a JSON pointer.
fn decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}

fn split_fragment(uri: &str) -> (&str, &str) {
    match uri.split_once('#') {
        Some((base, fragment)) => (base, fragment),
        None => (uri, ""),
    }
}

fn has_scheme(uri: &str) -> bool {
    match uri.find(':') {
        Some(colon) => {
            let scheme = &uri[..colon];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// RFC 3986 reference resolution, without dot-segment removal.
fn resolve_uri(base: &str, reference: &str) -> String {
    if has_scheme(reference) || base.is_empty() {
        return reference.to_owned();
    }
    let (base, _) = split_fragment(base);
    if reference.starts_with('#') {
        return format!("{base}{reference}");
    }
    if reference.starts_with('/') {
        if let Some(scheme_end) = base.find("://") {
            let after = &base[scheme_end + 3..];
            let authority_end = after.find('/').map_or(base.len(), |i| scheme_end + 3 + i);
            return format!("{}{reference}", &base[..authority_end]);
        }
        return reference.to_owned();
    }
    match base.rfind('/') {
        Some(slash) => format!("{}{reference}", &base[..=slash]),
        None => reference.to_owned(),
    }
}

fn id_of(map: &Map<String, Value>, dialect: Dialect) -> Option<&str> {
    let keyword = if dialect == Dialect::Draft4 {
        "id"
    } else {
        "$id"
    };
    map.get(keyword).and_then(Value::as_str)
}

/// The base URI of a document's root: its `$id`, resolved against its reference name.
fn document_base(document: &Document) -> String {
    let name = document.name.clone().unwrap_or_default();
    match document
        .value
        .as_object()
        .and_then(|m| id_of(m, document.dialect))
    {
        Some(id) => {
            let resolved = resolve_uri(&name, id);
            split_fragment(&resolved).0.to_owned()
        }
        None => name,
    }
}

/// The base URI in effect at `pointer`: the document base, changed by each `$id` on the way.
fn base_at(document: &Document, pointer: &str) -> String {
    let mut base = document_base(document);
    let mut value = &document.value;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Object(map) => map.get(&segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else {
            break;
        };
        value = next;
        let id = value.as_object().and_then(|m| id_of(m, document.dialect));
        if let Some(id) = id.filter(|id| !id.starts_with('#')) {
            base = split_fragment(&resolve_uri(&base, id)).0.to_owned();
        }
    }
    base
}

/// Every `$id` (and `$anchor`) of every document, with the absolute URI it declares.
fn index_ids(documents: &[Document]) -> Vec<IdEntry> {
    let mut entries = Vec::new();
    for (doc, document) in documents.iter().enumerate() {
        let root_base = document_base(document);
        if !root_base.is_empty() {
            entries.push(IdEntry {
                doc,
                pointer: String::new(),
                uri: root_base.clone(),
            });
        }
        let mut stack: Vec<(&Value, String, String)> =
            vec![(&document.value, String::new(), root_base)];
        while let Some((value, pointer, base)) = stack.pop() {
            match value {
                Value::Object(map) => {
                    let mut here = base.clone();
                    let id = id_of(map, document.dialect).filter(|_| !pointer.is_empty());
                    if let Some(id) = id {
                        let uri = resolve_uri(&base, id);
                        let uri = uri.strip_suffix('#').unwrap_or(&uri).to_owned();
                        if !id.starts_with('#') {
                            here = split_fragment(&uri).0.to_owned();
                        }
                        entries.push(IdEntry {
                            doc,
                            pointer: pointer.clone(),
                            uri,
                        });
                    }
                    if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                        entries.push(IdEntry {
                            doc,
                            pointer: pointer.clone(),
                            uri: format!("{here}#{anchor}"),
                        });
                    }
                    for (key, child_value) in map {
                        if matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                            continue;
                        }
                        stack.push((child_value, child(&pointer, &[key]), here.clone()));
                    }
                }
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        stack.push((item, format!("{pointer}/{index}"), base.clone()));
                    }
                }
                _ => {}
            }
        }
    }
    entries
}

/// Whether `pattern` is a well-formed regular expression (ECMA 262 syntax, lookaround allowed):
/// groups and classes closed, no dangling escape, nothing-to-repeat quantifiers rejected.
pub(super) fn check_pattern(pattern: &str) -> Result<(), String> {
    let bad = |why: &str| {
        Err(format!(
            "'{pattern}' is not a valid regular expression ({why})"
        ))
    };
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    // Whether the previous token can take a quantifier.
    let mut repeatable = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            if chars.next().is_none() {
                return bad("dangling backslash");
            }
            repeatable = true;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
                repeatable = true;
            }
            continue;
        }
        match c {
            '[' => in_class = true,
            '(' => {
                depth += 1;
                repeatable = false;
                if chars.peek() == Some(&'?') {
                    chars.next();
                    match chars.next() {
                        Some(':' | '=' | '!') => {}
                        Some('<') => {
                            if let Some('=' | '!') = chars.peek() {
                                chars.next();
                            } else {
                                // A named group: skip the name.
                                for n in chars.by_ref() {
                                    if n == '>' {
                                        break;
                                    }
                                }
                            }
                        }
                        _ => return bad("unknown group syntax"),
                    }
                }
                continue;
            }
            ')' => {
                if depth == 0 {
                    return bad("unmatched ')'");
                }
                depth -= 1;
                repeatable = true;
                continue;
            }
            '|' => {
                repeatable = false;
                continue;
            }
            '*' | '+' | '?' => {
                if !repeatable {
                    return bad("nothing to repeat");
                }
                if chars.peek() == Some(&'?') {
                    chars.next();
                }
                repeatable = false;
                continue;
            }
            '^' | '$' => {
                repeatable = false;
                continue;
            }
            _ => {}
        }
        repeatable = true;
    }
    if in_class {
        return bad("unterminated character class");
    }
    if depth > 0 {
        return bad("unterminated group");
    }
    Ok(())
}

/// Java's `Pattern.matcher(key).find()`, approximated with Rust's regex syntax; a pattern that
/// syntax cannot express (lookaround, backreferences) never matches.
pub(super) fn pattern_finds(pattern: &str, key: &str) -> bool {
    regex_automata::meta::Regex::new(pattern).is_ok_and(|re| re.is_match(key))
}

/// The schemas a node applies to the same instance (`$ref`, combiners, `not`): a cycle along
/// these never descends into a property or item, so no validator could finish.
fn same_instance_edges(kind: &Kind) -> Vec<NodeId> {
    match kind {
        Kind::Ref(target) | Kind::Not(target) => vec![*target],
        Kind::Combined { subschemas, .. } => subschemas.clone(),
        _ => Vec::new(),
    }
}

/// Rejects `$ref` cycles that never descend (`{"$ref": "#"}`, two definitions naming each
/// other); recursion through properties or items is fine. Iterative depth-first search.
fn check_cycles(nodes: &[Node], pointers: &[String]) -> Result<(), String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; nodes.len()];
    for start in 0..nodes.len() {
        if marks[start] != Mark::New {
            continue;
        }
        marks[start] = Mark::Open;
        let mut stack: Vec<(NodeId, Vec<NodeId>)> =
            vec![(start, same_instance_edges(&nodes[start].kind))];
        while let Some((node, edges)) = stack.last_mut() {
            let node = *node;
            match edges.pop() {
                Some(next) => match marks[next] {
                    Mark::New => {
                        marks[next] = Mark::Open;
                        stack.push((next, same_instance_edges(&nodes[next].kind)));
                    }
                    Mark::Open => {
                        return Err(format!(
                            "keyword '$ref' at '#{}': reference cycle: it leads back to itself \
                             without descending into a property or item",
                            pointers[node]
                        ));
                    }
                    Mark::Done => {}
                },
                None => {
                    marks[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    Ok(())
}
