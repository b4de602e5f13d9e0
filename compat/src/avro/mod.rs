//! Avro: parsing with Confluent's validation, canonical and normalized text, and the reader/writer check.
//!
//! Everything here reproduces the Java stack under Confluent Schema Registry 7.9 (Avro 1.11 on
//! Jackson) byte for byte where the conformance data pins it: error messages, canonical text,
//! normalized text and compatibility messages. No Avro crate is used, because none prints or
//! reports the way Java does.

mod check;
mod java;
mod json;
mod normalize;
mod parse;
mod print;
mod schema;
mod validate;

pub(crate) use check::check;

use crate::{ParseOptions, Reference, SchemaError};
use java::java_trim;
use json::JsonError;
use parse::Parser;
use schema::{Arena, NodeId};

/// The deepest nesting accepted whatever `ParseOptions::max_depth` says: Jackson's own default
/// limit under Confluent, and what the recursive walks here are sized for (about 2 KB of stack per
/// level in debug builds in the worst case, nested unions of arrays; about 1 KB in release).
const MAX_SUPPORTED_DEPTH: usize = 1000;

/// A parsed Avro schema, together with the references it was parsed against.
#[derive(Debug, Clone)]
pub(crate) struct AvroSchema {
    arena: Arena,
    root: NodeId,
    /// Full names of the references' top-level named types: printed by name, never inline.
    known: Vec<String>,
    references: Vec<Reference>,
    options: ParseOptions,
}

impl AvroSchema {
    /// Parses `text` the way Confluent does: a fresh `Schema.Parser` reads every reference in
    /// order (their named types stay defined), then the schema itself.
    pub(crate) fn parse(
        text: &str,
        references: &[Reference],
        options: &ParseOptions,
    ) -> Result<AvroSchema, SchemaError> {
        let mut arena = Arena::default();
        let mut known = Vec::new();
        let root = {
            let mut parser = Parser::new(&mut arena, options.validate);
            for reference in references {
                let id = parse_document(&mut parser, &reference.text, options.max_depth)?;
                if let Some(name) = parser.arena().node(id).name() {
                    known.push(name.full.clone());
                }
            }
            parse_document(&mut parser, text, options.max_depth)?
        };
        Ok(AvroSchema {
            arena,
            root,
            known,
            references: references.to_vec(),
            options: options.clone(),
        })
    }

    /// Confluent's `canonicalString()`.
    pub(crate) fn canonical(&self) -> String {
        print::to_string_with_known(&self.arena, self.root, &self.known)
    }

    /// Confluent's `normalize().canonicalString()`: the normalized text, parsed again and printed.
    ///
    /// If the intermediate text does not parse (Confluent would fail the request), the
    /// intermediate text itself is returned rather than inventing an error here.
    pub(crate) fn normalized(&self) -> String {
        let text = normalize::build(&self.arena, self.root, &self.known);
        match AvroSchema::parse(&text, &self.references, &self.options) {
            Ok(reparsed) => reparsed.canonical(),
            Err(_) => text,
        }
    }
}

/// Reads one document: JSON (with Avro's Jackson settings), the schema, then Avro's check that
/// nothing but whitespace follows.
fn parse_document(
    parser: &mut Parser<'_>,
    text: &str,
    max_depth: usize,
) -> Result<NodeId, SchemaError> {
    let max_depth = max_depth.min(MAX_SUPPORTED_DEPTH);
    let (json, end) = json::parse_prefix(text, max_depth).map_err(|e| match e {
        JsonError::Syntax(message) => SchemaError::Invalid(message),
        JsonError::TooDeep => SchemaError::TooDeep { limit: max_depth },
    })?;
    let json = json.ok_or_else(|| SchemaError::Invalid("Cannot parse <null> schema".to_owned()))?;
    let id = parser.parse(&json).map_err(SchemaError::Invalid)?;
    let dangling = java_trim(&text[end..]);
    if !dangling.is_empty() {
        return Err(SchemaError::Invalid(format!(
            "dangling content after end of schema: {dangling}"
        )));
    }
    Ok(id)
}
