//! `accord-asyncapi`: the AsyncAPI document model, parsing and validation.
//!
//! [`load`] turns the text of an AsyncAPI 2.0–2.6, 3.0 or 3.1 document (YAML or JSON) into a
//! [`Document`] — the raw tree, the resolved tree and the typed [`Model`] — plus every
//! [`Diagnostic`] found. [`parse`] is the first step alone (text to tree under the limits of
//! [`ParseOptions`]); its `Err` means the text is not a document at all.
//!
//! Like `compat`, this crate is pure: no IO, async, clock or network. Other files a document
//! references and registry schemas it links to arrive as data through [`Externals`]; a
//! `$ref` to `http(s)://`, `file://` or any other URI is reported and never fetched.
#![warn(missing_docs)]

mod diagnostic;
mod diff;
mod error;
mod link;
mod lint;
mod model;
mod payload;
mod pointer;
mod resolve;
mod semantic;
mod source;
mod spec;

use std::collections::BTreeMap;

use accord_compat::SchemaType;
use serde_json::Value;

pub use diagnostic::{Diagnostic, Severity, rules};
pub use diff::{Change, Classification, DiffReport, diff};
pub use error::ParseError;
pub use link::{LinkVersion, SchemaLink};
pub use lint::{LintConfig, RECOMMENDED_CHANNEL_PATTERN, lint, lint_rules};
pub use model::{
    Action, Channel, Info, Message, Model, Operation, Parameter, Payload, PayloadFormat, Server,
    SpecVersion,
};
pub use resolve::referenced_documents;
pub use source::{SourceMap, Syntax};

/// Limits on reading text; deliberately no `Default`: callers state their limits (see
/// [`ParseOptions::recommended`]).
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Largest text accepted, in bytes; larger text is refused before parsing.
    pub max_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most nodes (mappings, sequences, scalars) in one document.
    pub max_nodes: usize,
    /// Most events YAML aliases may replay in total (the alias-bomb guard).
    pub max_alias_expansions: usize,
}

impl ParseOptions {
    /// Limits that fit documents written by people and refuse hostile ones quickly:
    /// 16 MiB, depth 128, 4 million nodes, 100,000 alias-replayed events.
    pub fn recommended() -> ParseOptions {
        ParseOptions {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 4_000_000,
            max_alias_expansions: 100_000,
        }
    }
}

/// Options for [`load`]; deliberately no `Default`.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Limits for the document and for every other document it references.
    pub parse: ParseOptions,
    /// The document's own path, against which relative `$ref`s are resolved (for example
    /// `specs/orders.yaml`; `""` when it has none). [`Externals::document`] receives paths
    /// joined and normalized against it.
    pub document_path: String,
    /// Base URLs of the registry (for example `https://registry.example.com/`): absolute
    /// `$ref`s under one of them that name `subjects/{s}/versions/{v}` are registry links.
    pub registry_base_urls: Vec<String>,
    /// Most nodes the resolved tree may have (bounds DAG-shaped `$ref` graphs).
    pub max_resolved_nodes: usize,
    /// Deepest the resolved tree may nest.
    pub max_resolved_depth: usize,
    /// Check payload schemas with `accord-compat` and examples against payloads.
    pub check_payloads: bool,
}

impl LoadOptions {
    /// [`ParseOptions::recommended`], no registry, 500,000 resolved nodes, depth 256,
    /// payload checks on.
    pub fn recommended(document_path: &str) -> LoadOptions {
        LoadOptions {
            parse: ParseOptions::recommended(),
            document_path: document_path.to_string(),
            registry_base_urls: Vec::new(),
            max_resolved_nodes: 500_000,
            max_resolved_depth: 256,
            check_payloads: true,
        }
    }
}

/// A registry schema a payload links to, supplied by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedSchema {
    /// Its format.
    pub schema_type: SchemaType,
    /// Its text as registered.
    pub text: String,
}

/// What a document may reference outside itself, supplied as data.
pub trait Externals {
    /// The text of another document, by path normalized relative to the root of the paths
    /// (see [`LoadOptions::document_path`]); `None` when not supplied.
    fn document(&self, path: &str) -> Option<&str>;
    /// The registry schema a link names; `None` when the registry does not know it.
    fn schema(&self, link: &SchemaLink) -> Option<LinkedSchema>;
}

/// No other documents and no registry.
#[derive(Debug, Clone, Copy)]
pub struct NoExternals;

impl Externals for NoExternals {
    fn document(&self, _path: &str) -> Option<&str> {
        None
    }

    fn schema(&self, _link: &SchemaLink) -> Option<LinkedSchema> {
        None
    }
}

/// Externals held in maps.
#[derive(Debug, Clone, Default)]
pub struct ExternalData {
    /// Other documents by normalized path.
    pub documents: BTreeMap<String, String>,
    /// Registry schemas by link.
    pub schemas: BTreeMap<SchemaLink, LinkedSchema>,
}

impl Externals for ExternalData {
    fn document(&self, path: &str) -> Option<&str> {
        self.documents.get(path).map(String::as_str)
    }

    fn schema(&self, link: &SchemaLink) -> Option<LinkedSchema> {
        self.schemas.get(link).cloned()
    }
}

/// A parsed tree with where each node is in the text.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The tree.
    pub value: Value,
    /// Line and column of each node.
    pub source_map: SourceMap,
    /// YAML or JSON.
    pub syntax: Syntax,
}

/// Reads `text` as YAML or JSON (detected from the content) under `options`' limits.
///
/// `Err` only when the text is not a document at all: too large, too deep, an alias bomb,
/// a duplicate key, bad syntax, or a root that is not a mapping.
pub fn parse(text: &str, options: &ParseOptions) -> Result<Parsed, ParseError> {
    let syntax = source::detect(text);
    let (value, source_map) = source::load(text, options)?;
    if !value.is_object() {
        return Err(ParseError::NotAMapping);
    }
    Ok(Parsed {
        value,
        source_map,
        syntax,
    })
}

/// A loaded document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The specification version.
    pub version: SpecVersion,
    /// The tree as written.
    pub raw: Value,
    /// The tree with `$ref`s resolved (cycles, registry links and never-fetched references
    /// stay `{"$ref": …}` objects); traits are not applied here.
    pub resolved: Value,
    /// The typed model (resolved, traits applied).
    pub model: Model,
    /// YAML or JSON.
    pub syntax: Syntax,
    source_map: SourceMap,
}

impl Document {
    /// The line and column of a pointer into the resolved tree, following local `$ref`s back
    /// to where the node is written.
    pub fn locate(&self, resolved_pointer: &str) -> Option<(u32, u32)> {
        locate(&self.raw, &self.source_map, resolved_pointer)
    }

    /// Every registry link of the document's payloads and headers, with the id of the message.
    pub fn schema_links(&self) -> Vec<(&str, &SchemaLink)> {
        self.model
            .messages
            .iter()
            .flat_map(|m| {
                [&m.payload, &m.headers]
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.link.as_ref())
                    .map(|l| (m.id.as_str(), l))
            })
            .collect()
    }
}

fn locate(raw: &Value, source_map: &SourceMap, resolved_pointer: &str) -> Option<(u32, u32)> {
    // Walk as far as the raw tree goes: the deepest written node on the path.
    let tokens: Vec<String> = pointer::tokens(resolved_pointer).collect();
    for len in (0..=tokens.len()).rev() {
        let prefix: String = tokens
            .iter()
            .take(len)
            .map(|t| format!("/{}", pointer::escape(t)))
            .collect();
        if let Some((_, raw_pointer)) = model::walk_raw(raw, &prefix) {
            return source_map.locate(&raw_pointer);
        }
    }
    None
}

/// The result of [`load`].
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The document, when the text is an AsyncAPI document of a supported version.
    pub document: Option<Document>,
    /// Every finding, errors first, each located where possible.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when no diagnostic is an error.
    pub fn is_valid(&self) -> bool {
        self.document.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}

/// Parses, resolves, validates and models a document.
pub fn load(text: &str, options: &LoadOptions, externals: &dyn Externals) -> Loaded {
    let parsed = match parse(text, &options.parse) {
        Ok(p) => p,
        Err(e) => {
            let mut d = Diagnostic::error(e.rule(), "", e.to_string());
            if let Some((line, column)) = e.position() {
                d.line = Some(line);
                d.column = Some(column);
            }
            return Loaded {
                document: None,
                diagnostics: vec![d],
            };
        }
    };
    let declared = parsed.value.get("asyncapi");
    let Some(version) = declared
        .and_then(Value::as_str)
        .and_then(SpecVersion::parse)
    else {
        let message = match declared {
            Some(Value::String(v)) => {
                format!("asyncapi version {v} is not supported (2.0.0 to 2.6.0, 3.0.0, 3.1.0)")
            }
            Some(_) => "the asyncapi field must be a version string".to_string(),
            None => "the asyncapi field is missing: not an asyncapi document".to_string(),
        };
        let mut d = Diagnostic::error(rules::IS_ASYNCAPI, "/asyncapi", message);
        if let Some((line, column)) = parsed.source_map.locate("/asyncapi") {
            d.line = Some(line);
            d.column = Some(column);
        }
        return Loaded {
            document: None,
            diagnostics: vec![d],
        };
    };
    let resolved = resolve::Resolver::new(&parsed.value, options, externals).resolve_document();
    let mut diagnostics = resolved.diagnostics;
    diagnostics.extend(spec::validate(version, &resolved.value));
    diagnostics.extend(semantic::check(version, &parsed.value, &resolved.value));
    let model = model::build(
        version,
        &parsed.value,
        &resolved.value,
        &options.registry_base_urls,
    );
    if options.check_payloads {
        diagnostics.extend(payload::check(&model, externals, options.parse.max_depth));
    }
    for d in &mut diagnostics {
        if let Some((line, column)) = locate(&parsed.value, &parsed.source_map, &d.pointer) {
            d.line = Some(line);
            d.column = Some(column);
        }
    }
    diagnostics.sort_by_key(|d| d.severity);
    Loaded {
        document: Some(Document {
            version,
            raw: parsed.value,
            resolved: resolved.value,
            model,
            syntax: parsed.syntax,
            source_map: parsed.source_map,
        }),
        diagnostics,
    }
}
