//! Confluent's Protobuf `SchemaDiff` (with `MessageSchemaDiff`, `FieldSchemaDiff`,
//! `EnumSchemaDiff`): every difference between an original and an updated schema, in Confluent's
//! order, with the compatible subset and the verbose messages.
//!
//! Confluent iterates Java `HashSet`s of message names, enum names and enum numbers; their
//! iteration order decides the order of the reported differences, so [`java_order`] reproduces it.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::ast::{EnumElement, FieldElement, Label, MessageElement, ProtoFile, TypeElement};
use super::types::{Origin, Types, is_scalar, map_parts};

/// One difference: Confluent's `Difference.Type` name and its path (`#/Msg/3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Difference {
    pub(crate) kind: &'static str,
    pub(crate) path: String,
}

/// `SchemaDiff.COMPATIBLE_CHANGES`.
pub(crate) fn is_compatible_change(kind: &str) -> bool {
    matches!(
        kind,
        "MESSAGE_ADDED"
            | "MESSAGE_MOVED"
            | "ENUM_ADDED"
            | "ENUM_REMOVED"
            | "ENUM_CONST_ADDED"
            | "ENUM_CONST_CHANGED"
            | "ENUM_CONST_REMOVED"
            | "FIELD_ADDED"
            | "FIELD_REMOVED"
            | "FIELD_NAME_CHANGED"
            | "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
            | "ONEOF_ADDED"
            | "ONEOF_REMOVED"
            | "ONEOF_FIELD_ADDED"
            | "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
    )
}

/// `Difference.toString`: the verbose message, `reader`/`writer` filling Confluent's `%s`s.
pub(crate) fn message(difference: &Difference, reader: &str, writer: &str) -> String {
    let p = &difference.path;
    let description = match difference.kind {
        "PACKAGE_CHANGED" => format!(
            "The package at '{p}' in the {reader} schema does not match the package in the {writer} schema"
        ),
        "MESSAGE_REMOVED" => {
            format!(
                "The {reader} schema is missing a MESSAGE type at path '{p}' in the {writer} schema"
            )
        }
        "FIELD_KIND_CHANGED" => format!(
            "The type of a field at path '{p}' in the {reader} schema does not match the {writer} schema"
        ),
        "FIELD_SCALAR_KIND_CHANGED" => format!(
            "The kind of a SCALAR field at path '{p}' in the {reader} schema does not match its kind in the {writer} schema"
        ),
        "FIELD_NAMED_TYPE_CHANGED" => format!(
            "The type of a MESSAGE field at path '{p}' in the {reader} schema does not match its type in the {writer} schema"
        ),
        "FIELD_NUMERIC_LABEL_CHANGED" => format!(
            "The label for a NUMERIC field at path '{p}' in the {reader} schema does not match its label in the {writer} schema"
        ),
        "REQUIRED_FIELD_ADDED" => format!(
            "A required field  at path '{p}' in the {reader} schema is missing in the {writer} schema"
        ),
        "REQUIRED_FIELD_REMOVED" => format!(
            "The {reader} schema is missing a required field at path: '{p}' in the {writer} schema"
        ),
        "ONEOF_FIELD_REMOVED" => {
            format!(
                "The {reader} schema is missing a oneof field at path '{p}' in the {writer} schema"
            )
        }
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF" => format!(
            "Multiple fields in the oneof at path '{p}' in the {reader} schema are outside a oneof in the {writer} schema"
        ),
        "FIELD_MOVED_TO_EXISTING_ONEOF" => format!(
            "A field in the oneof at path '{p}' in the {reader} schema is outside an existing oneof in the {writer} schema"
        ),
        _ => String::new(),
    };
    format!(
        "{{errorType:\"{}\", description:\"{description}\"}}",
        difference.kind
    )
}

/// `SchemaDiff.compare(original, update)`.
pub(crate) fn compare(
    original: &ProtoFile,
    original_types: &Types<'_>,
    update: &ProtoFile,
    update_types: &Types<'_>,
) -> Vec<Difference> {
    let work = Cell::new(0);
    let mut ctx = Context {
        work: &work,
        types: [original_types, update_types],
        packages: [
            original.package.clone().unwrap_or_default(),
            update.package.clone().unwrap_or_default(),
        ],
        path: Vec::new(),
        names: Vec::new(),
        schemas: HashSet::new(),
        diffs: Vec::new(),
        imported_depth: 0,
    };
    if original.package != update.package {
        ctx.add("PACKAGE_CHANGED");
    }
    ctx.compare_type_elements(&original.types, &update.types);
    ctx.diffs
}

const ORIGINAL: usize = 0;
const UPDATE: usize = 1;

struct Context<'t, 'a> {
    /// Imported message comparisons made so far, shared by all sub-contexts.
    work: &'t Cell<usize>,
    types: [&'t Types<'a>; 2],
    packages: [String; 2],
    path: Vec<String>,
    /// The nested message names entered: the scope of name resolution.
    names: Vec<String>,
    /// Original messages being compared (by address), to stop on recursive types.
    schemas: HashSet<usize>,
    diffs: Vec<Difference>,
    /// How many imported message types deep this comparison is.
    imported_depth: usize,
}

/// Chains of imported message types are compared this deep and no deeper (Confluent has no
/// limit; a longer chain of distinct imported types is not a realistic schema).
const MAX_IMPORTED_DEPTH: usize = 64;

/// Imported message types are compared at most this many times in one diff: a type reachable
/// along many paths is compared once per path, as Confluent does, which grows exponentially.
const MAX_IMPORTED_COMPARISONS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Map,
    Message,
}

impl<'t, 'a> Context<'t, 'a> {
    fn add(&mut self, kind: &'static str) {
        self.diffs.push(Difference {
            kind,
            path: format!("#/{}", self.path.join("/")),
        });
    }

    fn add_at(&mut self, segments: &[&str], kind: &'static str) {
        let depth = self.path.len();
        self.path.extend(segments.iter().map(|s| (*s).to_owned()));
        self.add(kind);
        self.path.truncate(depth);
    }

    fn resolve(&self, name: &str, side: usize) -> Option<String> {
        let scope: Vec<&str> = self.names.iter().map(String::as_str).collect();
        self.types[side].resolve_in(name, &self.packages[side], &scope)
    }

    fn get_type(&self, name: &str, side: usize) -> Option<&'t super::types::TypeInfo<'a>> {
        let full = self.resolve(name, side)?;
        self.types[side].get_full(&full)
    }

    fn compare_type_elements(&mut self, original: &[TypeElement], update: &[TypeElement]) {
        let (original_messages, original_indexes, original_enums) = index_types(original);
        let (update_messages, update_indexes, update_enums) = index_types(update);
        let message_names = hash_set_order(
            &map_order(&names_of(&original_messages)),
            &map_order(&names_of(&update_messages)),
        );
        let enum_names = hash_set_order(
            &map_order(&names_of(&original_enums)),
            &map_order(&names_of(&update_enums)),
        );
        let (original_messages, original_indexes, original_enums) = (
            last_wins(&original_messages),
            last_wins(&original_indexes),
            last_wins(&original_enums),
        );
        let (update_messages, update_indexes, update_enums) = (
            last_wins(&update_messages),
            last_wins(&update_indexes),
            last_wins(&update_enums),
        );
        for name in message_names {
            self.path.push(name.clone());
            self.names.push(name.clone());
            let original_message = lookup(&original_messages, &name);
            let update_message = lookup(&update_messages, &name);
            match (original_message, update_message) {
                (Some(_), None) => {
                    if self.get_type(&name, ORIGINAL).is_some_and(|t| !t.is_map) {
                        self.add("MESSAGE_REMOVED");
                    }
                }
                (None, Some(_)) => {
                    if self.get_type(&name, UPDATE).is_some_and(|t| !t.is_map) {
                        self.add("MESSAGE_ADDED");
                    }
                }
                (Some(o), Some(u)) => {
                    self.compare_messages(o, u);
                    if lookup(&original_indexes, &name) != lookup(&update_indexes, &name) {
                        self.add("MESSAGE_MOVED");
                    }
                }
                (None, None) => {}
            }
            self.names.pop();
            self.path.pop();
        }
        for name in enum_names {
            self.path.push(name.clone());
            self.names.push(name.clone());
            match (lookup(&original_enums, &name), lookup(&update_enums, &name)) {
                (Some(_), None) => self.add("ENUM_REMOVED"),
                (None, Some(_)) => self.add("ENUM_ADDED"),
                (Some(o), Some(u)) => self.compare_enums(o, u),
                (None, None) => {}
            }
            self.names.pop();
            self.path.pop();
        }
    }

    fn compare_enums(&mut self, original: &EnumElement, update: &EnumElement) {
        let original_tags: Vec<i64> =
            map_order(&original.constants.iter().map(|c| c.tag).collect::<Vec<_>>());
        let update_tags: Vec<i64> =
            map_order(&update.constants.iter().map(|c| c.tag).collect::<Vec<_>>());
        // `put` keeps the last constant of a number.
        let by_tag = |element: &EnumElement, tag: i64| {
            element
                .constants
                .iter()
                .rev()
                .find(|c| c.tag == tag)
                .cloned()
        };
        for tag in hash_set_order(&original_tags, &update_tags) {
            self.path.push(tag.to_string());
            match (by_tag(original, tag), by_tag(update, tag)) {
                (Some(_), None) => self.add("ENUM_CONST_REMOVED"),
                (None, Some(_)) => self.add("ENUM_CONST_ADDED"),
                (Some(o), Some(u)) if o.name != u.name => self.add("ENUM_CONST_CHANGED"),
                _ => {}
            }
            self.path.pop();
        }
    }

    fn compare_messages(&mut self, original: &MessageElement, update: &MessageElement) {
        let address = std::ptr::from_ref(original) as usize;
        if !self.schemas.insert(address) {
            return;
        }
        let (original_by_tag, original_oneof_of) = collect_fields(original);
        let (update_by_tag, update_oneof_of) = collect_fields(update);
        fn find<'f>(fields: &[(i64, &'f FieldElement)], tag: i64) -> Option<&'f FieldElement> {
            fields
                .iter()
                .rev()
                .find(|(t, _)| *t == tag)
                .map(|(_, f)| *f)
        }
        let oneof_of = |map: &[(i64, String)], tag: i64| {
            map.iter()
                .rev()
                .find(|(t, _)| *t == tag)
                .map(|(_, n)| n.clone())
        };
        let update_oneof_names: HashSet<&str> =
            update.oneofs.iter().map(|o| o.name.as_str()).collect();
        let original_oneof_names: HashSet<&str> =
            original.oneofs.iter().map(|o| o.name.as_str()).collect();
        let update_tags: HashSet<i64> = update_by_tag.iter().map(|(t, _)| *t).collect();
        let original_tags: HashSet<i64> = original_by_tag.iter().map(|(t, _)| *t).collect();
        let completely_deleted: HashSet<&str> = original
            .oneofs
            .iter()
            .filter(|o| !update_oneof_names.contains(o.name.as_str()))
            .filter(|o| !o.fields.iter().any(|f| update_tags.contains(&f.tag)))
            .map(|o| o.name.as_str())
            .collect();

        for oneof in &update.oneofs {
            let mut groups: HashSet<String> = HashSet::new();
            let mut top_level_moved_in = 0;
            for field in &oneof.fields {
                if let Some(name) = oneof_of(&original_oneof_of, field.tag) {
                    groups.insert(format!("oneof:{name}"));
                } else if original_tags.contains(&field.tag) {
                    groups.insert(format!("field:{}", field.tag));
                    top_level_moved_in += 1;
                }
            }
            if groups.len() > 1 {
                let kind = if top_level_moved_in > 1 {
                    "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
                } else {
                    "FIELD_MOVED_TO_EXISTING_ONEOF"
                };
                self.add_at(&[&oneof.name], kind);
            }
        }

        let mut all_oneofs: Vec<&str> = original_oneof_names
            .union(&update_oneof_names)
            .copied()
            .collect();
        all_oneofs.sort_by(|a, b| java_compare(a, b));
        for name in all_oneofs {
            if !update_oneof_names.contains(name) {
                self.add_at(&[name], "ONEOF_REMOVED");
            } else if !original_oneof_names.contains(name) {
                self.add_at(&[name], "ONEOF_ADDED");
            }
        }

        let mut all_tags: Vec<i64> = original_tags.union(&update_tags).copied().collect();
        all_tags.sort_unstable();
        for tag in all_tags {
            let tag_text = tag.to_string();
            let original_field = find(&original_by_tag, tag);
            let update_field = find(&update_by_tag, tag);
            let original_oneof = oneof_of(&original_oneof_of, tag);
            let update_oneof = oneof_of(&update_oneof_of, tag);
            match (original_field, update_field) {
                (Some(o), None) => match original_oneof {
                    Some(oneof) => {
                        if !completely_deleted.contains(oneof.as_str()) {
                            self.add_at(&[&oneof, &tag_text], "ONEOF_FIELD_REMOVED");
                        }
                    }
                    None => self.add_at(
                        &[&tag_text],
                        if o.label == Some(Label::Required) {
                            "REQUIRED_FIELD_REMOVED"
                        } else {
                            "FIELD_REMOVED"
                        },
                    ),
                },
                (None, Some(u)) => match update_oneof {
                    Some(oneof) => self.add_at(&[&oneof, &tag_text], "ONEOF_FIELD_ADDED"),
                    None => self.add_at(
                        &[&tag_text],
                        if u.label == Some(Label::Required) {
                            "REQUIRED_FIELD_ADDED"
                        } else {
                            "FIELD_ADDED"
                        },
                    ),
                },
                (Some(o), Some(u)) => {
                    if original_oneof.is_some() && update_oneof.is_none() {
                        self.add_at(&[&tag_text], "ONEOF_FIELD_MOVED_TO_TOP_LEVEL");
                    }
                    let depth = self.path.len();
                    if let Some(oneof) = update_oneof {
                        self.path.push(oneof);
                    }
                    self.path.push(tag_text);
                    self.compare_fields(o, u);
                    self.path.truncate(depth);
                }
                (None, None) => {}
            }
        }
        self.compare_type_elements(&original.nested, &update.nested);
        self.schemas.remove(&address);
    }

    fn compare_fields(&mut self, original: &FieldElement, update: &FieldElement) {
        if original.name != update.name {
            self.add("FIELD_NAME_CHANGED");
        }
        self.compare_labels_and_types(
            original.label,
            update.label,
            &original.type_name,
            &update.type_name,
        );
    }

    fn compare_labels_and_types(
        &mut self,
        original_label: Option<Label>,
        update_label: Option<Label>,
        original_type: &str,
        update_type: &str,
    ) {
        let mut original_type = original_type.to_owned();
        let mut update_type = update_type.to_owned();
        if let Some(map) = self
            .get_type(&original_type, ORIGINAL)
            .and_then(|t| t.map_type())
        {
            original_type = map;
        }
        if let Some(map) = self
            .get_type(&update_type, UPDATE)
            .and_then(|t| t.map_type())
        {
            update_type = map;
        }
        let original_kind = self.kind(&original_type, ORIGINAL);
        let update_kind = self.kind(&update_type, UPDATE);
        if original_kind != update_kind {
            self.add("FIELD_KIND_CHANGED");
            return;
        }
        match original_kind {
            Kind::Scalar => {
                let original_scalar = self.scalar_kind(&original_type, ORIGINAL);
                let update_scalar = self.scalar_kind(&update_type, UPDATE);
                if original_scalar != update_scalar {
                    self.add("FIELD_SCALAR_KIND_CHANGED");
                } else if let (Some(o), Some(u)) = (original_label, update_label) {
                    if o != u {
                        match original_scalar {
                            "STRING_OR_BYTES" => self.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED"),
                            "OTHER" => {}
                            _ => self.add("FIELD_NUMERIC_LABEL_CHANGED"),
                        }
                    }
                }
            }
            Kind::Message => self.compare_message_types(&original_type, &update_type),
            Kind::Map => {
                let (Some((ok, ov)), Some((uk, uv))) =
                    (map_parts(&original_type), map_parts(&update_type))
                else {
                    return;
                };
                let (ok, ov, uk, uv) = (ok.to_owned(), ov.to_owned(), uk.to_owned(), uv.to_owned());
                self.compare_labels_and_types(None, None, &ok, &uk);
                self.compare_labels_and_types(None, None, &ov, &uv);
            }
        }
    }

    fn kind(&self, name: &str, side: usize) -> Kind {
        if is_scalar(name) {
            Kind::Scalar
        } else if map_parts(name).is_some() {
            Kind::Map
        } else if self
            .get_type(name, side)
            .is_some_and(|t| matches!(t.element, TypeElement::Enum(_)))
        {
            Kind::Scalar
        } else {
            Kind::Message
        }
    }

    fn scalar_kind(&self, name: &str, side: usize) -> &'static str {
        if self
            .get_type(name, side)
            .is_some_and(|t| matches!(t.element, TypeElement::Enum(_)))
        {
            return "GENERAL_NUMBER";
        }
        match name {
            "int32" | "int64" | "uint32" | "uint64" | "bool" => "GENERAL_NUMBER",
            "sint32" | "sint64" => "SIGNED_NUMBER",
            "string" | "bytes" => "STRING_OR_BYTES",
            "fixed32" | "sfixed32" => "FIXED32",
            "fixed64" | "sfixed64" => "FIXED64",
            "float" => "FLOAT",
            "double" => "DOUBLE",
            _ => "OTHER",
        }
    }

    fn compare_message_types(&mut self, original: &str, update: &str) {
        let (Some(original_full), Some(update_full)) = (
            self.resolve(original, ORIGINAL),
            self.resolve(update, UPDATE),
        ) else {
            if original != update {
                self.add("FIELD_NAMED_TYPE_CHANGED");
            }
            return;
        };
        let (Some(original_info), Some(update_info)) = (
            self.types[ORIGINAL].get_full(&original_full),
            self.types[UPDATE].get_full(&update_full),
        ) else {
            return;
        };
        let local = |full: &str, package: &str| -> String {
            full.strip_prefix(&format!("{package}."))
                .unwrap_or(full)
                .to_owned()
        };
        let original_local = local(&original_full, &original_info.package);
        let update_local = local(&update_full, &update_info.package);
        if original_local != update_local {
            self.add("FIELD_NAMED_TYPE_CHANGED");
            return;
        }
        let same_version = match (original_info.origin, update_info.origin) {
            (Origin::Schema, Origin::Schema) => true,
            (Origin::Reference(a), Origin::Reference(b)) => a == b,
            _ => false,
        };
        if same_version
            || self.imported_depth >= MAX_IMPORTED_DEPTH
            || self.work.get() >= MAX_IMPORTED_COMPARISONS
        {
            return;
        }
        self.work.set(self.work.get() + 1);
        let (TypeElement::Message(original_message), TypeElement::Message(update_message)) =
            (original_info.element, update_info.element)
        else {
            return;
        };
        let parts: Vec<String> = original_local.split('.').map(str::to_owned).collect();
        let mut sub = Context {
            work: self.work,
            types: self.types,
            packages: [original_info.package.clone(), update_info.package.clone()],
            path: parts.clone(),
            names: parts,
            schemas: self.schemas.clone(),
            diffs: Vec::new(),
            imported_depth: self.imported_depth + 1,
        };
        sub.compare_messages(original_message, update_message);
        let incompatible = sub.diffs.iter().any(|d| !is_compatible_change(d.kind));
        self.diffs.extend(sub.diffs);
        if incompatible {
            self.add("FIELD_NAMED_TYPE_CHANGED");
        }
    }
}

type Indexed<'e, T> = Vec<(&'e str, T)>;

/// Messages with their index among sibling messages, and enums, in declaration order.
fn index_types(
    types: &[TypeElement],
) -> (
    Indexed<'_, &MessageElement>,
    Indexed<'_, usize>,
    Indexed<'_, &EnumElement>,
) {
    let (mut messages, mut indexes, mut enums) = (Vec::new(), Vec::new(), Vec::new());
    for element in types {
        match element {
            TypeElement::Message(m) => {
                indexes.push((m.name.as_str(), messages.len()));
                messages.push((m.name.as_str(), m));
            }
            TypeElement::Enum(e) => enums.push((e.name.as_str(), e)),
        }
    }
    (messages, indexes, enums)
}

fn names_of<T>(entries: &Indexed<'_, T>) -> Vec<String> {
    entries.iter().map(|(n, _)| (*n).to_owned()).collect()
}

/// The map a Java `HashMap` built by `put`s in this order holds (the last value of a key wins).
fn last_wins<'e, T: Copy>(entries: &Indexed<'e, T>) -> HashMap<&'e str, T> {
    entries.iter().copied().collect()
}

fn lookup<T: Copy>(entries: &HashMap<&str, T>, name: &str) -> Option<T> {
    entries.get(name).copied()
}

/// Every field by tag, and the oneof of each oneof member.
type Fields<'m> = (Vec<(i64, &'m FieldElement)>, Vec<(i64, String)>);

fn collect_fields(message: &MessageElement) -> Fields<'_> {
    let mut by_tag: Vec<(i64, &FieldElement)> = message.fields.iter().map(|f| (f.tag, f)).collect();
    let mut oneof_of = Vec::new();
    for oneof in &message.oneofs {
        for field in &oneof.fields {
            by_tag.push((field.tag, field));
            oneof_of.push((field.tag, oneof.name.clone()));
        }
    }
    (by_tag, oneof_of)
}

/// Java's `String.compareTo` (UTF-16 code units).
fn java_compare(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A key Java hashes: `String.hashCode` or `Integer.hashCode`.
pub(crate) trait JavaHash: Clone + Eq + Hash {
    fn java_hash(&self) -> i32;
}

impl JavaHash for String {
    fn java_hash(&self) -> i32 {
        self.encode_utf16()
            .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
    }
}

impl JavaHash for i64 {
    fn java_hash(&self) -> i32 {
        // Enum numbers and tags are Java ints; wider input is truncated like a Java cast.
        *self as i32
    }
}

fn bucket<K: JavaHash>(key: &K, capacity: usize) -> usize {
    let h = key.java_hash() as u32;
    ((h ^ (h >> 16)) as usize) & (capacity - 1)
}

/// Iteration order of Java's `HashMap`/`HashSet` holding `keys` (inserted in this order, first
/// occurrence kept) with initial table size `capacity`: by bucket, then insertion order.
pub(crate) fn java_order<K: JavaHash>(keys: &[K], capacity: usize) -> Vec<K> {
    let mut seen = HashSet::new();
    let unique: Vec<&K> = keys.iter().filter(|k| seen.insert(*k)).collect();
    let mut capacity = capacity.max(1).next_power_of_two();
    while unique.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let mut ordered: Vec<(usize, usize, &K)> = unique
        .into_iter()
        .enumerate()
        .map(|(i, k)| (bucket(k, capacity), i, k))
        .collect();
    ordered.sort_unstable_by_key(|(b, i, _)| (*b, *i));
    ordered.into_iter().map(|(_, _, k)| k.clone()).collect()
}

/// Key order of a `HashMap` filled by `put` with the default capacity.
fn map_order<K: JavaHash>(keys: &[K]) -> Vec<K> {
    java_order(keys, 16)
}

/// `new HashSet<>(first)` then `addAll(second)`.
fn hash_set_order<K: JavaHash>(first: &[K], second: &[K]) -> Vec<K> {
    let initial = ((first.len() as f32 / 0.75) as usize + 1).max(16);
    let keys: Vec<K> = first.iter().chain(second).cloned().collect();
    java_order(&keys, initial)
}
