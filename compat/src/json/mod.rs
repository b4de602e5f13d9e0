//! JSON Schema: parsing with meta-schema validation, `$ref` resolution, canonical and normalized
//! text, and Confluent's `SchemaDiff` compatibility rules (STRICT and LENIENT policies).
//!
//! Nothing is fetched: a `$ref` resolves inside the document, through `$id`s, or through the
//! references given as data (reference `name` = the `$ref` URI); anything else is rejected.
//! The meta-schema check is hand-written per keyword (no validator crate), so that no HTTP or file
//! resolver can be compiled in and the error names the failing keyword and path.
//!
//! Deliberate differences from Confluent: documents nest at most 127 levels (Jackson allows 1000);
//! a decreased `exclusiveMaximum` is reported as such where Confluent throws; `patternProperties`
//! are matched with Rust regex syntax; `$ref` cycles that never descend into a property or item
//! are rejected; error messages add the keyword and path after Confluent's text.

mod diff;
mod difference;
mod model;
mod text;
mod validate;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::{
    CheckOptions, CompatibilityLevel, CompatibilityPolicy, ParseOptions, Reference, SchemaError,
    Violation,
};
use difference::Difference;
use model::Model;

/// The deepest nesting accepted whatever `ParseOptions::max_depth` says: `serde_json`'s own
/// recursion limit, which also bounds every recursive walk here.
const MAX_SUPPORTED_DEPTH: usize = 127;

/// A parsed JSON schema: its text as a JSON value (key order kept) and its resolved model.
#[derive(Debug, Clone)]
pub(crate) struct JsonSchema {
    value: Value,
    model: Model,
}

impl JsonSchema {
    /// Parses and validates `text`, resolving `$ref`s against itself and `references`.
    pub(crate) fn parse(
        text: &str,
        references: &[Reference],
        options: &ParseOptions,
    ) -> Result<JsonSchema, SchemaError> {
        let limit = options.max_depth.min(MAX_SUPPORTED_DEPTH);
        let value = text::parse(text, limit)?;
        if value.is_null() {
            return Err(invalid("the schema is null"));
        }
        let dialect = validate::Dialect::of(&value);
        validate::check(&value, dialect).map_err(|e| invalid(&e))?;
        let mut documents = vec![model::Document {
            name: None,
            value: value.clone(),
            dialect,
        }];
        for reference in references {
            let reference_value = text::parse(&reference.text, limit).map_err(|e| match e {
                SchemaError::Invalid(_) => invalid(&format!(
                    "the reference '{}' is not valid JSON",
                    reference.name
                )),
                other => other,
            })?;
            let dialect = validate::Dialect::of(&reference_value);
            documents.push(model::Document {
                name: Some(reference.name.clone()),
                value: reference_value,
                dialect,
            });
        }
        let model = Model::load(&documents).map_err(|e| invalid(&e))?;
        Ok(JsonSchema { value, model })
    }

    /// Confluent's `canonicalString()`: compact JSON, key order kept.
    pub(crate) fn canonical(&self) -> String {
        text::compact(&self.value)
    }

    /// Confluent's `normalize().canonicalString()`: object keys sorted recursively.
    pub(crate) fn normalized(&self) -> String {
        text::compact(&text::sorted(&self.value))
    }
}

/// Confluent's message, followed by what failed.
fn invalid(detail: &str) -> SchemaError {
    SchemaError::Invalid(format!("Invalid JSON Schema: {detail}"))
}

/// Checks `new` against `previous` in the direction(s) of `level`; for FULL levels the forward
/// messages come first, as Confluent reports them.
pub(crate) fn check(
    level: CompatibilityLevel,
    new: &JsonSchema,
    previous: &JsonSchema,
    options: &CheckOptions,
) -> Vec<Violation> {
    crate::in_directions(level, new, previous, |reader, writer, r, w| {
        // Confluent diffs the writer (original) against the reader (update).
        direction(writer, reader, r, w, options.policy)
    })
}

/// `SchemaDiff.compare(original, update)`, keeping the changes the policy does not accept.
fn direction(
    original: &JsonSchema,
    update: &JsonSchema,
    first: &str,
    second: &str,
    policy: CompatibilityPolicy,
) -> Vec<Violation> {
    differences(original, update, policy)
        .into_iter()
        .filter(|d| !difference::is_compatible(d.kind, policy))
        .map(|d| Violation {
            rule: d.kind.to_owned(),
            message: d.message(first, second),
            path: d.path,
        })
        .collect()
}

/// Every change from `original` to `update`, compatible or not, in Confluent's order. The policy
/// matters inside: combined and `not` schemas ask whether a sub-comparison is compatible.
fn differences(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: CompatibilityPolicy,
) -> Vec<Difference> {
    diff::compare(&original.model, &update.model, policy)
}
