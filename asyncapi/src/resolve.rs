//! `$ref` resolution: local pointers, sibling documents supplied as data, registry links.
//!
//! The resolved tree inlines each reference's target. A reference that would re-enter a
//! target already being expanded (a cycle) stays a `{"$ref": …}` object, as do registry
//! links and references that are never fetched (`http(s)://`, `file://`, any other scheme).
//! Two budgets bound the work: nodes produced (a reference graph shaped like a DAG would
//! otherwise grow exponentially) and depth of the resolved tree.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, rules};
use crate::link;
use crate::{Externals, LoadOptions, pointer, source};

/// Where a reference points: a document path (`""` for the main document) and a pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) doc: String,
    pub(crate) pointer: String,
}

/// Most references a single pointer may pass through on its way to its target.
const MAX_POINTER_HOPS: usize = 32;

/// What a reference string means, before any lookup.
#[derive(Debug)]
pub(crate) enum RefKind {
    /// A registry subject version (see [`crate::link`]); kept as written.
    Link,
    /// A URI with a scheme; never fetched.
    External,
    /// A pointer into a document (possibly another one, by relative path).
    Local { path: String, fragment: String },
}

pub(crate) fn classify(reference: &str, options: &LoadOptions) -> RefKind {
    if link::parse(reference, &options.registry_base_urls).is_some() {
        return RefKind::Link;
    }
    if has_scheme(reference) {
        return RefKind::External;
    }
    let (path, fragment) = match reference.split_once('#') {
        Some((p, f)) => (p, f),
        None => (reference, ""),
    };
    RefKind::Local {
        path: path.to_string(),
        fragment: pointer::percent_decode(fragment),
    }
}

fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    // One letter before `:` is a Windows drive (`C:\…`), which is a path, not a scheme.
    scheme.len() > 1
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The other documents the `$ref`s of `value` (a document named `base`) point into, as the
/// keys the loader asks [`crate::Externals`] for: relative paths joined onto `base`'s
/// directory. Registry links, URIs with a scheme and paths above `base`'s directory are not
/// among them. For callers that supply sibling files as data, such as the offline CLI.
pub fn referenced_documents(value: &Value, base: &str, options: &LoadOptions) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("$ref", Value::String(reference)) => {
                            if let RefKind::Local { path, .. } = classify(reference, options) {
                                let target = join(base, &path);
                                if !path.is_empty()
                                    && !target.is_empty()
                                    && !target.starts_with("..")
                                {
                                    found.insert(target);
                                }
                            }
                        }
                        _ => stack.push(v),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Joins a relative path onto the directory of `base` and removes `.` and `..` segments.
pub(crate) fn join(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = base.split('/').collect();
        p.pop();
        p
    };
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("/")
}

/// The outcome of resolving a document.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) value: Value,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Resolves every reference of a document; also used to look up single targets afterwards.
pub(crate) struct Resolver<'a> {
    options: &'a LoadOptions,
    externals: &'a dyn Externals,
    main_path: String,
    docs: HashMap<String, Option<Rc<Value>>>,
    stack: Vec<Target>,
    produced: usize,
    budget_reported: bool,
    diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("main_path", &self.main_path)
            .finish_non_exhaustive()
    }
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(
        root: &Value,
        options: &'a LoadOptions,
        externals: &'a dyn Externals,
    ) -> Self {
        let main_path = options.document_path.clone();
        let mut docs = HashMap::new();
        docs.insert(main_path.clone(), Some(Rc::new(root.clone())));
        Resolver {
            options,
            externals,
            main_path,
            docs,
            stack: Vec::new(),
            produced: 0,
            budget_reported: false,
            diagnostics: Vec::new(),
        }
    }

    /// Resolves the main document.
    pub(crate) fn resolve_document(mut self) -> Resolved {
        let root = self
            .docs
            .get(&self.main_path)
            .cloned()
            .flatten()
            .unwrap_or_else(|| Rc::new(Value::Null));
        let doc = self.main_path.clone();
        let value = self.resolve(&root, &doc, "", 0);
        Resolved {
            value,
            diagnostics: self.diagnostics,
        }
    }

    fn document(&mut self, path: &str) -> Option<Rc<Value>> {
        if let Some(doc) = self.docs.get(path) {
            return doc.clone();
        }
        let parsed = self
            .externals
            .document(path)
            .and_then(|text| source::load(text, &self.options.parse).ok())
            .map(|(value, _)| Rc::new(value));
        self.docs.insert(path.to_string(), parsed.clone());
        parsed
    }

    /// Finds the target of `reference` written in document `doc`, without expanding it.
    /// A pointer may pass through references on its way (`#/channels/a/messages/b` where
    /// channel `a` is itself a `$ref`), as the official parser allows.
    pub(crate) fn target(&mut self, reference: &str, doc: &str) -> Result<(Target, Value), String> {
        self.target_within(reference, doc, 0)
    }

    fn target_within(
        &mut self,
        reference: &str,
        doc: &str,
        hops: usize,
    ) -> Result<(Target, Value), String> {
        if hops > MAX_POINTER_HOPS {
            return Err(format!(
                "{reference}: too many references on the way to the target"
            ));
        }
        let RefKind::Local { path, fragment } = classify(reference, self.options) else {
            return Err(format!("{reference} is not a local reference"));
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(format!(
                "{reference}: only json pointer fragments are supported"
            ));
        }
        let mut target_doc = if path.is_empty() {
            doc.to_string()
        } else {
            join(doc, &path)
        };
        let Some(root) = self.document(&target_doc) else {
            return Err(if self.externals.document(&target_doc).is_some() {
                format!("{reference}: {target_doc} is not a valid yaml or json document")
            } else {
                format!("{reference}: document {target_doc} was not supplied")
            });
        };
        let mut node = (*root).clone();
        let mut at = String::new();
        for token in pointer::tokens(&fragment) {
            if let Some(Value::String(inner)) = node.get("$ref") {
                let inner = inner.clone();
                let (t, v) = self.target_within(&inner, &target_doc, hops + 1)?;
                target_doc = t.doc;
                at = t.pointer;
                node = v;
            }
            let next = match &node {
                Value::Object(m) => m.get(&token).cloned(),
                Value::Array(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).cloned()),
                _ => None,
            };
            match next {
                Some(v) => node = v,
                None => return Err(format!("{reference} does not resolve to anything")),
            }
            at = pointer::push(&at, &token);
        }
        Ok((
            Target {
                doc: target_doc,
                pointer: at,
            },
            node,
        ))
    }

    fn over_budget(&mut self, at: &str, depth: usize) -> bool {
        if self.produced <= self.options.max_resolved_nodes
            && depth <= self.options.max_resolved_depth
        {
            return false;
        }
        if !self.budget_reported {
            self.budget_reported = true;
            self.diagnostics.push(Diagnostic::error(
                rules::REF_BUDGET,
                at,
                format!(
                    "$ref expansion exceeds its budget ({} nodes, depth {}); further references are left unresolved",
                    self.options.max_resolved_nodes, self.options.max_resolved_depth
                ),
            ));
        }
        true
    }

    fn resolve(&mut self, value: &Value, doc: &str, at: &str, depth: usize) -> Value {
        self.produced += 1;
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.expand(value, reference, doc, at, depth);
                }
                let mut out = Map::new();
                for (k, v) in map {
                    let child_at = pointer::push(at, k);
                    let resolved = self.resolve(v, doc, &child_at, depth + 1);
                    out.insert(k.clone(), resolved);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        self.resolve(v, doc, &pointer::push(at, &i.to_string()), depth + 1)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn expand(
        &mut self,
        original: &Value,
        reference: &str,
        doc: &str,
        at: &str,
        depth: usize,
    ) -> Value {
        match classify(reference, self.options) {
            RefKind::Link => return original.clone(),
            RefKind::External => {
                self.diagnostics.push(Diagnostic::error(
                    rules::EXTERNAL_REF_NOT_FETCHED,
                    at,
                    format!("reference {reference} is external and is never fetched"),
                ));
                return original.clone();
            }
            RefKind::Local { .. } => {}
        }
        if self.over_budget(at, depth) {
            return original.clone();
        }
        let (target, value) = match self.target(reference, doc) {
            Ok(t) => t,
            Err(message) => {
                self.diagnostics
                    .push(Diagnostic::error(rules::INVALID_REF, at, message));
                return original.clone();
            }
        };
        if self.stack.contains(&target) {
            // A cycle: keep the reference; consumers see a `$ref` object here.
            return original.clone();
        }
        self.stack.push(target.clone());
        let resolved = self.resolve(&value, &target.doc, at, depth + 1);
        self.stack.pop();
        resolved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("a/b/main.yaml", "./x.yaml"), "a/b/x.yaml");
        assert_eq!(join("a/b/main.yaml", "../c/x.yaml"), "a/c/x.yaml");
        assert_eq!(join("main.yaml", "x.yaml"), "x.yaml");
        assert_eq!(join("main.yaml", "../x.yaml"), "../x.yaml");
    }

    #[test]
    fn schemes_are_not_windows_drives() {
        assert!(has_scheme("http://example.com/a.yaml"));
        assert!(has_scheme("file:///etc/passwd"));
        assert!(has_scheme("urn:x:y"));
        assert!(!has_scheme("C:/x.yaml"));
        assert!(!has_scheme("./a.yaml#/x"));
    }
}
