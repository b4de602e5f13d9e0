//! Payload and headers changes, judged by `accord-compat` in the direction the data flows.
//!
//! For a message the application *sends*, consumers read it with the schema they were built
//! on: the old schema must read data written with the new one (`FORWARD`: old reader, new
//! writer). For a message the application *receives*, consumers keep writing with the old
//! schema and the application reads with the new one (`BACKWARD`: new reader, old writer). A
//! message used both ways, or by no operation, is judged both ways.
//!
//! `accord-compat` only names incompatibilities, so the field-level changes (a field added,
//! removed, retyped, made required or given a default) are found here by walking both schemas
//! — record fields in Avro, `properties` in JSON Schema — and each is classified by the
//! violations `accord-compat` reports at (or below) that field. A violation no field change
//! explains becomes a `…-incompatible` change of its own; a change compat accepts that no
//! field change names becomes `…-changed`, non-breaking.

use std::collections::{BTreeMap, BTreeSet};

use accord_compat::{
    CheckOptions, CompatibilityLevel, CompatibilityPolicy, ParsedSchema, SchemaType,
};
use serde_json::Value;

use super::{Change, Classification, Directions, strip_docs};
use crate::model::{self, Payload};
use crate::{Document, Externals};

/// Which schema of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// `payload`.
    Payload,
    /// `headers`.
    Headers,
}

impl Part {
    fn word(self) -> &'static str {
        match self {
            Part::Payload => "payload",
            Part::Headers => "headers",
        }
    }

    fn kind(self, k: Kind) -> &'static str {
        use Kind::*;
        match (self, k) {
            (Part::Payload, Added) => "payload-added",
            (Part::Payload, Removed) => "payload-removed",
            (Part::Payload, Changed) => "payload-changed",
            (Part::Payload, FormatChanged) => "payload-format-changed",
            (Part::Payload, Incompatible) => "payload-incompatible",
            (Part::Payload, FieldAdded) => "payload-field-added",
            (Part::Payload, FieldRemoved) => "payload-field-removed",
            (Part::Payload, FieldTypeChanged) => "payload-field-type-changed",
            (Part::Payload, FieldRequiredChanged) => "payload-field-required-changed",
            (Part::Payload, FieldDefaultChanged) => "payload-field-default-changed",
            (Part::Headers, Added) => "headers-added",
            (Part::Headers, Removed) => "headers-removed",
            (Part::Headers, Changed) => "headers-changed",
            (Part::Headers, FormatChanged) => "headers-format-changed",
            (Part::Headers, Incompatible) => "headers-incompatible",
            (Part::Headers, FieldAdded) => "headers-field-added",
            (Part::Headers, FieldRemoved) => "headers-field-removed",
            (Part::Headers, FieldTypeChanged) => "headers-field-type-changed",
            (Part::Headers, FieldRequiredChanged) => "headers-field-required-changed",
            (Part::Headers, FieldDefaultChanged) => "headers-field-default-changed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Added,
    Removed,
    Changed,
    FormatChanged,
    Incompatible,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldRequiredChanged,
    FieldDefaultChanged,
}

/// What the changes of one schema are about.
pub(crate) struct Context<'a> {
    pub(crate) part: Part,
    /// The message's label (name and channels).
    pub(crate) message: &'a str,
    pub(crate) directions: Directions,
}

/// One version of a schema, ready to be judged.
struct Side<'a> {
    payload: &'a Payload,
    /// Where changes are reported: the shared definition when the schema was reached through a
    /// local `$ref`, else the payload itself.
    base: String,
    /// True when the schema is written in the document (field pointers are meaningful).
    inline: bool,
}

impl<'a> Side<'a> {
    fn new(doc: &'a Document, payload: &'a Payload) -> Side<'a> {
        let base = match model::origin(&doc.raw, &payload.pointer) {
            Some(o) if o.starts_with("#/") => o.trim_start_matches('#').to_string(),
            _ => payload.pointer.clone(),
        };
        Side {
            payload,
            base,
            inline: payload.link.is_none(),
        }
    }

    fn at(&self, rel: &str) -> String {
        if self.inline {
            format!("{}{rel}", self.base)
        } else {
            self.base.clone()
        }
    }

    /// The format and text to judge; `Err` says why the schema cannot be judged.
    fn source(&self, externals: &dyn Externals) -> Result<(SchemaType, String), String> {
        if let Some(link) = &self.payload.link {
            return externals
                .schema(link)
                .map(|s| (s.schema_type, s.text))
                .ok_or_else(|| format!("registry schema {link} is not known"));
        }
        let Some(schema_type) = self.payload.format.schema_type() else {
            return Err(format!(
                "schema format {} cannot be judged",
                self.payload.schema_format.as_deref().unwrap_or("(default)")
            ));
        };
        self.payload
            .schema_text()
            .map(|t| (schema_type, t))
            .ok_or_else(|| "the schema has no text".to_string())
    }
}

fn describe(ctx: &Context<'_>) -> String {
    format!(
        "{} of message {} ({})",
        ctx.part.word(),
        ctx.message,
        ctx.directions.phrase()
    )
}

/// Compares one schema of a message pair; `judged` remembers shared definitions compared
/// already, so a schema behind a `$ref` used by several messages is reported once.
pub(crate) fn compare(
    old: (&Document, Option<&Payload>),
    new: (&Document, Option<&Payload>),
    ctx: &Context<'_>,
    externals: &dyn Externals,
    judged: &mut BTreeSet<(String, String, Directions)>,
) -> Vec<Change> {
    let part = ctx.part;
    let what = describe(ctx);
    let (o, n) = match (old.1, new.1) {
        (None, None) => return Vec::new(),
        (None, Some(p)) => {
            return vec![Change::new(
                part.kind(Kind::Added),
                Classification::Unclassified,
                &p.pointer,
                format!("{what} is now declared"),
            )];
        }
        (Some(p), None) => {
            return vec![Change::new(
                part.kind(Kind::Removed),
                Classification::Unclassified,
                &p.pointer,
                format!("{what} is no longer declared"),
            )];
        }
        (Some(o), Some(n)) => (Side::new(old.0, o), Side::new(new.0, n)),
    };
    if !judged.insert((
        format!("{}:{}", part.word(), o.base),
        format!("{}:{}", part.word(), n.base),
        ctx.directions,
    )) {
        return Vec::new();
    }
    // A schema shared through `$ref` is named by its definition, reported once.
    let what = if n.base != n.payload.pointer {
        format!(
            "shared {} schema {} (first seen in message {}, {})",
            part.word(),
            n.base,
            ctx.message,
            ctx.directions.phrase()
        )
    } else {
        what
    };
    if o.payload.schema == n.payload.schema
        && o.payload.format == n.payload.format
        && o.payload.link == n.payload.link
        && o.payload.link.is_none()
    {
        return Vec::new();
    }
    let sources = (o.source(externals), n.source(externals));
    let ((ot, otext), (nt, ntext)) = match sources {
        (Ok(a), Ok(b)) => (a, b),
        (Err(why), _) | (_, Err(why)) => {
            if strip_docs(&o.payload.schema) == strip_docs(&n.payload.schema)
                && o.payload.schema_format == n.payload.schema_format
            {
                return Vec::new();
            }
            return vec![Change::new(
                part.kind(Kind::Changed),
                Classification::Unclassified,
                n.at(""),
                format!("{what} changed and cannot be judged: {why}"),
            )];
        }
    };
    if ot != nt {
        return vec![Change::new(
            part.kind(Kind::FormatChanged),
            Classification::Breaking,
            n.at(""),
            format!(
                "{what} changed format from {} to {}",
                ot.as_str().to_lowercase(),
                nt.as_str().to_lowercase()
            ),
        )];
    }
    let options = accord_compat::ParseOptions {
        validate: false,
        max_depth: 128,
    };
    let parsed = (
        accord_compat::parse(ot, &otext, &[], &options),
        accord_compat::parse(nt, &ntext, &[], &options),
    );
    let (op, np) = match parsed {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return vec![Change::new(
                part.kind(Kind::Changed),
                Classification::Unclassified,
                n.at(""),
                format!("{what} changed and cannot be judged: {e}"),
            )];
        }
    };
    if otext == ntext {
        return Vec::new();
    }
    let ojson: Value = serde_json::from_str(&otext).unwrap_or(Value::Null);
    let njson: Value = serde_json::from_str(&ntext).unwrap_or(Value::Null);
    let (ofields, nfields) = match ot {
        SchemaType::Json => (fields(&ojson, walk_json), fields(&njson, walk_json)),
        SchemaType::Avro => (fields(&ojson, walk_avro), fields(&njson, walk_avro)),
        SchemaType::Protobuf => (BTreeMap::new(), BTreeMap::new()),
    };
    let violations = violations(ot, ctx.directions, (&op, &ojson), (&np, &njson));
    let mut field_changes = field_changes(ot, &ofields, &nfields);
    let mut used = vec![false; violations.len()];
    let mut out = Vec::new();
    for fc in &mut field_changes {
        let mut reasons = Vec::new();
        for (i, v) in violations.iter().enumerate() {
            if v.field == fc.field || is_below(&v.field, &fc.field) {
                reasons.push(v.message.as_str());
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
        }
        let (classification, suffix) = if reasons.is_empty() {
            (Classification::NonBreaking, String::new())
        } else {
            (
                Classification::Breaking,
                format!(": {}", reasons.join("; ")),
            )
        };
        let pointer = if fc.kind == Kind::FieldRemoved {
            o.at(&fc.rel)
        } else {
            n.at(&fc.rel)
        };
        out.push(Change::new(
            part.kind(fc.kind),
            classification,
            pointer,
            format!("{what} {}{suffix}", fc.text),
        ));
    }
    for (v, used) in violations.iter().zip(&used) {
        if *used {
            continue;
        }
        let field_rel = nfields
            .get(&v.field)
            .or_else(|| ofields.get(&v.field))
            .map(|f| f.rel.clone())
            .unwrap_or_default();
        let place = if v.field.is_empty() {
            String::new()
        } else {
            format!(" at field `{}`", v.field)
        };
        out.push(Change::new(
            part.kind(Kind::Incompatible),
            Classification::Breaking,
            n.at(&field_rel),
            format!("{what} is incompatible{place} ({}): {}", v.path, v.message),
        ));
    }
    // Protobuf text is not JSON: its canonical form alone tells whether it changed.
    let docs_only = ot != SchemaType::Protobuf && strip_docs(&ojson) == strip_docs(&njson);
    if out.is_empty() && op.canonical() != np.canonical() && !docs_only {
        out.push(Change::new(
            part.kind(Kind::Changed),
            Classification::NonBreaking,
            n.at(""),
            format!("{what} changed compatibly"),
        ));
    }
    out
}

/// A field of a schema: where it is and what it is.
#[derive(Debug, Clone)]
struct Field {
    /// The type, summarized (`string`, `null|string`, `com.acme.Address`…).
    ty: String,
    /// JSON Schema: listed in `required`; Avro: has no default.
    required: bool,
    /// Pointer relative to the schema root.
    rel: String,
}

struct FieldChange {
    kind: Kind,
    field: String,
    rel: String,
    text: String,
}

/// True when `path` is strictly inside field `field` (`a.b` in `a`, `a[].b` in `a`).
fn is_below(path: &str, field: &str) -> bool {
    if field.is_empty() {
        return false;
    }
    path.strip_prefix(field)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn field_changes(
    schema_type: SchemaType,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = Vec::new();
    // Parents changed wholesale: their inner fields are not reported again.
    let mut covered: Vec<String> = Vec::new();
    let hidden = |covered: &[String], name: &str| covered.iter().any(|c| is_below(name, c));
    let avro = schema_type == SchemaType::Avro;
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        if hidden(&covered, name) {
            continue;
        }
        match (old.get(name), new.get(name)) {
            (Some(f), None) => {
                covered.push(name.clone());
                out.push(FieldChange {
                    kind: Kind::FieldRemoved,
                    field: name.clone(),
                    rel: f.rel.clone(),
                    text: format!("removed field `{name}`"),
                });
            }
            (None, Some(f)) => {
                covered.push(name.clone());
                let how = match (avro, f.required) {
                    (true, true) => "without a default",
                    (true, false) => "with a default",
                    (false, true) => "required",
                    (false, false) => "optional",
                };
                out.push(FieldChange {
                    kind: Kind::FieldAdded,
                    field: name.clone(),
                    rel: f.rel.clone(),
                    text: format!("added field `{name}` ({how}, {})", f.ty),
                });
            }
            (Some(a), Some(b)) => {
                if a.ty != b.ty {
                    covered.push(name.clone());
                    out.push(FieldChange {
                        kind: Kind::FieldTypeChanged,
                        field: name.clone(),
                        rel: b.rel.clone(),
                        text: format!(
                            "changed the type of field `{name}` from {} to {}",
                            a.ty, b.ty
                        ),
                    });
                }
                if a.required != b.required {
                    let (kind, text) = match (avro, b.required) {
                        (true, true) => (Kind::FieldDefaultChanged, "no longer has a default"),
                        (true, false) => (Kind::FieldDefaultChanged, "now has a default"),
                        (false, true) => (Kind::FieldRequiredChanged, "is now required"),
                        (false, false) => (Kind::FieldRequiredChanged, "is no longer required"),
                    };
                    out.push(FieldChange {
                        kind,
                        field: name.clone(),
                        rel: b.rel.clone(),
                        text: format!("field `{name}` {text}"),
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// A violation from `accord-compat`, with the field it concerns.
struct Found {
    field: String,
    path: String,
    message: String,
}

fn violations(
    schema_type: SchemaType,
    directions: Directions,
    old: (&ParsedSchema, &Value),
    new: (&ParsedSchema, &Value),
) -> Vec<Found> {
    let options = CheckOptions {
        policy: CompatibilityPolicy::Strict,
    };
    let both = directions.sent == directions.received;
    let mut out = Vec::new();
    // (level, reader schema as JSON)
    let mut runs = Vec::new();
    if directions.sent || both {
        runs.push((CompatibilityLevel::Forward, old.1));
    }
    if directions.received || both {
        runs.push((CompatibilityLevel::Backward, new.1));
    }
    for (level, reader) in runs {
        let report = accord_compat::check(level, new.0, &[old.0], &options);
        for inc in report.incompatibilities {
            for v in inc.violations {
                let field = match schema_type {
                    SchemaType::Avro => avro_violation_field(reader, &v.path),
                    SchemaType::Json => json_violation_field(&v.path),
                    SchemaType::Protobuf => String::new(),
                };
                out.push(Found {
                    field,
                    path: v.path,
                    message: v.message,
                });
            }
        }
    }
    out
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

const MAX_DEPTH: usize = 64;

/// A format's walk: from a schema node, its path prefix and its pointer relative to the
/// payload, adds the fields below it, to at most [`MAX_DEPTH`] levels.
type Walk = fn(&Value, &str, &str, usize, &mut BTreeMap<String, Field>);

/// The fields of a payload schema by dotted path (`a.b`, `list[].c`).
fn fields(schema: &Value, walk: Walk) -> BTreeMap<String, Field> {
    let mut out = BTreeMap::new();
    walk(schema, "", "", 0, &mut out);
    out
}

// ---- JSON Schema ------------------------------------------------------------------------

fn walk_json(
    node: &Value,
    prefix: &str,
    rel: &str,
    depth: usize,
    out: &mut BTreeMap<String, Field>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, sub) in props {
            let path = join(prefix, name);
            let sub_rel = format!("{rel}/properties/{}", crate::pointer::escape(name));
            out.insert(
                path.clone(),
                Field {
                    ty: json_type(sub),
                    required: required.contains(&name.as_str()),
                    rel: sub_rel.clone(),
                },
            );
            walk_json(sub, &path, &sub_rel, depth + 1, out);
        }
    }
    if let Some(items) = node.get("items").filter(|i| i.is_object()) {
        walk_json(
            items,
            &format!("{prefix}[]"),
            &format!("{rel}/items"),
            depth + 1,
            out,
        );
    }
}

fn json_type(v: &Value) -> String {
    match v.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("|"),
        _ if v.get("$ref").is_some() => v
            .get("$ref")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        _ if v.get("properties").is_some() => "object".to_string(),
        _ => "any".to_string(),
    }
}

/// `#/properties/a/items/properties/b/type` → `a[].b`; `#/properties/a/required/b` → `a.b`.
fn json_violation_field(path: &str) -> String {
    let mut tokens = path
        .trim_start_matches('#')
        .split('/')
        .filter(|t| !t.is_empty());
    let mut field = String::new();
    while let Some(t) = tokens.next() {
        match t {
            "properties" | "required" => match tokens.next() {
                Some(name) => field = join(&field, &name.replace("~1", "/").replace("~0", "~")),
                None => break,
            },
            "items" => field.push_str("[]"),
            _ => {}
        }
    }
    field
}

// ---- Avro -------------------------------------------------------------------------------

fn walk_avro(
    node: &Value,
    prefix: &str,
    rel: &str,
    depth: usize,
    out: &mut BTreeMap<String, Field>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        Value::Array(branches) => {
            for (i, b) in branches.iter().enumerate() {
                walk_avro(b, prefix, &format!("{rel}/{i}"), depth + 1, out);
            }
        }
        Value::Object(m) => match m.get("type") {
            Some(Value::String(t)) if t == "record" || t == "error" => {
                let fields = m.get("fields").and_then(Value::as_array);
                for (i, f) in fields.into_iter().flatten().enumerate() {
                    let Some(name) = f.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let path = join(prefix, name);
                    let ty = f.get("type").unwrap_or(&Value::Null);
                    let f_rel = format!("{rel}/fields/{i}");
                    out.insert(
                        path.clone(),
                        Field {
                            ty: avro_type(ty),
                            required: f.get("default").is_none(),
                            rel: f_rel.clone(),
                        },
                    );
                    walk_avro(ty, &path, &format!("{f_rel}/type"), depth + 1, out);
                }
            }
            Some(Value::String(t)) if t == "array" => {
                if let Some(items) = m.get("items") {
                    walk_avro(
                        items,
                        &format!("{prefix}[]"),
                        &format!("{rel}/items"),
                        depth + 1,
                        out,
                    );
                }
            }
            Some(Value::String(t)) if t == "map" => {
                if let Some(values) = m.get("values") {
                    walk_avro(
                        values,
                        &format!("{prefix}{{}}"),
                        &format!("{rel}/values"),
                        depth + 1,
                        out,
                    );
                }
            }
            Some(inner @ (Value::Object(_) | Value::Array(_))) => {
                walk_avro(inner, prefix, &format!("{rel}/type"), depth + 1, out);
            }
            _ => {}
        },
        _ => {}
    }
}

fn avro_type(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(branches) => branches.iter().map(avro_type).collect::<Vec<_>>().join("|"),
        Value::Object(m) => {
            let t = m.get("type").map(avro_type).unwrap_or_default();
            if let Some(name) = m.get("name").and_then(Value::as_str) {
                return match m.get("namespace").and_then(Value::as_str) {
                    Some(ns) if !name.contains('.') && !ns.is_empty() => format!("{ns}.{name}"),
                    _ => name.to_string(),
                };
            }
            match t.as_str() {
                "array" => format!(
                    "array<{}>",
                    m.get("items").map(avro_type).unwrap_or_default()
                ),
                "map" => format!(
                    "map<{}>",
                    m.get("values").map(avro_type).unwrap_or_default()
                ),
                _ => match m.get("logicalType").and_then(Value::as_str) {
                    Some(l) => format!("{t}({l})"),
                    None => t,
                },
            }
        }
        _ => String::new(),
    }
}

/// Follows an Avro violation path (`/fields/1/type/fields/0`) through the reader schema and
/// names the field it ends in (`address.street`).
fn avro_violation_field(reader: &Value, path: &str) -> String {
    let mut names = BTreeMap::new();
    collect_avro_names(reader, "", 0, &mut names);
    let mut node = reader;
    let mut field = String::new();
    let mut tokens = path.split('/').filter(|t| !t.is_empty());
    while let Some(t) = tokens.next() {
        if let Value::String(name) = node {
            match names.get(name.as_str()) {
                Some(n) => node = *n,
                None => break,
            }
        }
        let next = match (t, node) {
            ("fields", _) => {
                let Some(f) = tokens
                    .next()
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| node.get("fields").and_then(|f| f.get(i)))
                else {
                    break;
                };
                if let Some(name) = f.get("name").and_then(Value::as_str) {
                    field = join(&field, name);
                }
                Some(f)
            }
            ("type", _) => node.get("type"),
            ("items", _) => {
                field.push_str("[]");
                node.get("items")
            }
            ("values", _) => {
                field.push_str("{}");
                node.get("values")
            }
            (i, Value::Array(branches)) => i.parse::<usize>().ok().and_then(|i| branches.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    field
}

fn collect_avro_names<'a>(
    v: &'a Value,
    namespace: &str,
    depth: usize,
    out: &mut BTreeMap<String, &'a Value>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_avro_names(i, namespace, depth + 1, out)),
        Value::Object(m) => {
            let ns = m
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(namespace)
                .to_string();
            if let Some(name) = m.get("name").and_then(Value::as_str)
                && m.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| matches!(t, "record" | "error" | "enum" | "fixed"))
            {
                out.insert(name.to_string(), v);
                if !ns.is_empty() && !name.contains('.') {
                    out.insert(format!("{ns}.{name}"), v);
                }
            }
            for key in ["type", "items", "values"] {
                if let Some(t) = m.get(key) {
                    collect_avro_names(t, &ns, depth + 1, out);
                }
            }
            for f in m
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect_avro_names(f, &ns, depth + 1, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_violation_paths_name_fields() {
        assert_eq!(json_violation_field("#/properties/a"), "a");
        assert_eq!(
            json_violation_field("#/properties/a/items/properties/b/type"),
            "a[].b"
        );
        assert_eq!(json_violation_field("#/properties/a/required/b"), "a.b");
        assert_eq!(json_violation_field("#/type"), "");
    }

    #[test]
    fn avro_violation_paths_follow_the_reader_schema() {
        let reader = json!({"type": "record", "name": "R", "namespace": "n", "fields": [
            {"name": "id", "type": "string"},
            {"name": "address", "type": {"type": "record", "name": "A", "fields": [
                {"name": "street", "type": "string"}]}},
            {"name": "home", "type": ["null", "n.A"]}
        ]});
        assert_eq!(avro_violation_field(&reader, "/fields/0"), "id");
        assert_eq!(
            avro_violation_field(&reader, "/fields/1/type/fields/0/type"),
            "address.street"
        );
        assert_eq!(
            avro_violation_field(&reader, "/fields/2/type/1/fields/0"),
            "home.street"
        );
        assert_eq!(avro_violation_field(&reader, "/fields/9"), "");
    }

    #[test]
    fn fields_below_a_field_are_inside_it() {
        assert!(is_below("a.b", "a"));
        assert!(is_below("a[].b", "a"));
        assert!(!is_below("ab", "a"));
        assert!(!is_below("a", "a"));
        assert!(!is_below("a", ""));
    }

    #[test]
    fn avro_fields_walk_nested_records_and_defaults() {
        let schema = json!({"type": "record", "name": "R", "fields": [
            {"name": "n", "type": ["null", "long"], "default": null},
            {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "I",
                "fields": [{"name": "sku", "type": "string"}]}}}
        ]});
        let found = fields(&schema, walk_avro);
        let n = found.get("n").expect("n");
        assert_eq!(n.ty, "null|long");
        assert!(!n.required);
        assert_eq!(
            found.get("items[].sku").map(|f| f.rel.as_str()),
            Some("/fields/1/type/items/fields/0")
        );
    }
}
