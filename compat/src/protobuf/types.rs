//! The type table Confluent's `diff.Context` builds: every message and enum of the schema and of
//! its dependencies by full name, and its name resolution (which is simpler than protoc's: it
//! tries the enclosing scopes as whole-string prefixes).

use std::collections::HashMap;

use super::ast::{FieldElement, OptionValue, ProtoFile, TypeElement};

/// Where a type is declared: the schema itself, a built-in import, or a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin<'a> {
    Schema,
    Builtin,
    /// A reference, identified by its text (Confluent compares subject and version).
    Reference(&'a str),
}

/// A parsed dependency: where it came from, and its tree.
#[derive(Debug, Clone)]
pub(crate) struct Dependency {
    /// The referenced text, `None` for a built-in import.
    pub(crate) text: Option<String>,
    pub(crate) file: ProtoFile,
}

/// What Confluent's `TypeElementInfo` records about one type.
#[derive(Debug, Clone)]
pub(crate) struct TypeInfo<'a> {
    pub(crate) package: String,
    /// Where the type is declared.
    pub(crate) origin: Origin<'a>,
    pub(crate) element: &'a TypeElement,
    pub(crate) is_map: bool,
    pub(crate) key: Option<&'a FieldElement>,
    pub(crate) value: Option<&'a FieldElement>,
}

impl TypeInfo<'_> {
    /// `map<K, V>` for a map-entry message.
    pub(crate) fn map_type(&self) -> Option<String> {
        if !self.is_map {
            return None;
        }
        Some(format!(
            "map<{}, {}>",
            self.key.map(|f| f.type_name.as_str()).unwrap_or_default(),
            self.value.map(|f| f.type_name.as_str()).unwrap_or_default()
        ))
    }
}

/// Every type of one side of a comparison, by full name without a leading dot.
#[derive(Debug, Default)]
pub(crate) struct Types<'a> {
    pub(crate) by_name: HashMap<String, TypeInfo<'a>>,
    /// Extension fields (`extend` members) by full name: whether each is `repeated`.
    pub(crate) extensions: HashMap<String, bool>,
    /// The package of the file being looked at (Confluent's `originalPackageName`).
    pub(crate) package: String,
}

impl<'a> Types<'a> {
    /// Collects the dependencies (in order) and then the schema itself, as Confluent does.
    pub(crate) fn collect(main: &'a ProtoFile, dependencies: &'a [Dependency]) -> Self {
        let mut types = Types::default();
        for dependency in dependencies {
            let origin = match &dependency.text {
                Some(text) => Origin::Reference(text),
                None => Origin::Builtin,
            };
            types.add_file(&dependency.file, origin);
        }
        types.add_file(main, Origin::Schema);
        types
    }

    fn add_file(&mut self, file: &'a ProtoFile, name: Origin<'a>) {
        self.package = file.package.clone().unwrap_or_default();
        let mut path = Vec::new();
        self.add_extensions(&file.extends, &path);
        self.add_types(&file.types, name, &mut path);
    }

    fn add_extensions(&mut self, extends: &[super::ast::ExtendElement], path: &[&str]) {
        for field in extends.iter().flat_map(|e| &e.fields) {
            let mut parts: Vec<&str> = Vec::with_capacity(path.len() + 2);
            if !self.package.is_empty() {
                parts.push(&self.package);
            }
            parts.extend_from_slice(path);
            parts.push(&field.name);
            self.extensions.insert(
                parts.join("."),
                field.label == Some(super::ast::Label::Repeated),
            );
        }
    }

    /// `Context.resolve` over the extension fields: the full name an option name denotes.
    pub(crate) fn resolve_extension(&self, name: &str, scope: &[&str]) -> Option<String> {
        if let Some(absolute) = name.strip_prefix('.') {
            return self
                .extensions
                .contains_key(absolute)
                .then(|| absolute.to_owned());
        }
        let mut prefix: Vec<&str> = Vec::with_capacity(scope.len() + 1);
        if !self.package.is_empty() {
            prefix.push(&self.package);
        }
        prefix.extend_from_slice(scope);
        while !prefix.is_empty() {
            let candidate = format!("{}.{name}", prefix.join("."));
            if self.extensions.contains_key(&candidate) {
                return Some(candidate);
            }
            prefix.pop();
        }
        self.extensions.contains_key(name).then(|| name.to_owned())
    }

    fn add_types(&mut self, types: &'a [TypeElement], file: Origin<'a>, path: &mut Vec<&'a str>) {
        for element in types {
            path.push(element.name());
            let (mut is_map, mut key, mut value) = (false, None, None);
            if let TypeElement::Message(message) = element {
                is_map = message.options.iter().any(|o| {
                    o.name == "map_entry"
                        && !o.parenthesized
                        && matches!(&o.value, OptionValue::Raw(v) if v == "true")
                });
                key = message.fields.iter().find(|f| f.name == "key");
                value = message.fields.iter().find(|f| f.name == "value");
            }
            let mut full = path.join(".");
            if !self.package.is_empty() {
                full = format!("{}.{full}", self.package);
            }
            self.by_name.insert(
                full,
                TypeInfo {
                    package: self.package.clone(),
                    origin: file,
                    element,
                    is_map,
                    key,
                    value,
                },
            );
            if let TypeElement::Message(message) = element {
                self.add_extensions(&message.extends, path);
            }
            self.add_types(element.nested(), file, path);
            path.pop();
        }
    }

    pub(crate) fn get_full(&self, name: &str) -> Option<&TypeInfo<'a>> {
        self.by_name.get(name.strip_prefix('.').unwrap_or(name))
    }

    /// Confluent's `Context.resolve`: the full name (no leading dot) `name` denotes from inside
    /// the nested scope `scope` (message names, outermost first).
    pub(crate) fn resolve(&self, name: &str, scope: &[&str]) -> Option<String> {
        self.resolve_in(name, &self.package, scope)
    }

    /// [`Types::resolve`] with the package of the enclosing file given explicitly.
    pub(crate) fn resolve_in(&self, name: &str, package: &str, scope: &[&str]) -> Option<String> {
        if let Some(absolute) = name.strip_prefix('.') {
            return self
                .by_name
                .contains_key(absolute)
                .then(|| absolute.to_owned());
        }
        let mut prefix: Vec<&str> = Vec::with_capacity(scope.len() + 1);
        if !package.is_empty() {
            prefix.push(package);
        }
        prefix.extend_from_slice(scope);
        while !prefix.is_empty() {
            let candidate = format!("{}.{name}", prefix.join("."));
            if self.by_name.contains_key(&candidate) {
                return Some(candidate);
            }
            prefix.pop();
        }
        self.by_name.contains_key(name).then(|| name.to_owned())
    }

    pub(crate) fn get(&self, name: &str, scope: &[&str]) -> Option<&TypeInfo<'a>> {
        self.resolve(name, scope)
            .and_then(|full| self.by_name.get(&full))
    }
}

/// Scalar type names (Wire's `ProtoType.isScalar`).
pub(crate) fn is_scalar(name: &str) -> bool {
    matches!(
        name,
        "double"
            | "float"
            | "int32"
            | "int64"
            | "uint32"
            | "uint64"
            | "sint32"
            | "sint64"
            | "fixed32"
            | "fixed64"
            | "sfixed32"
            | "sfixed64"
            | "bool"
            | "string"
            | "bytes"
    )
}

/// Splits `map<K, V>` into its key and value types.
pub(crate) fn map_parts(name: &str) -> Option<(&str, &str)> {
    let inner = name.strip_prefix("map<")?.strip_suffix('>')?;
    let (key, value) = inner.split_once(',')?;
    Some((key.trim(), value.trim()))
}
