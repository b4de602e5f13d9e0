//! Json: parsing, canonical and normalized text, and Confluent's compatibility rules.
//!
//! Not implemented yet: [`JsonSchema::parse`] answers [`SchemaError::UnsupportedType`], so
//! the registry rejects Json schemas with 422 until this module lands.

use crate::{
    CheckOptions, CompatibilityLevel, ParseOptions, Reference, SchemaError, SchemaType, Violation,
};

/// A parsed Json schema.
#[derive(Debug, Clone)]
pub(crate) struct JsonSchema {
    canonical: String,
}

impl JsonSchema {
    pub(crate) fn parse(
        _text: &str,
        _references: &[Reference],
        _options: &ParseOptions,
    ) -> Result<JsonSchema, SchemaError> {
        Err(SchemaError::UnsupportedType(SchemaType::Json))
    }

    pub(crate) fn canonical(&self) -> String {
        self.canonical.clone()
    }

    pub(crate) fn normalized(&self) -> String {
        self.canonical.clone()
    }
}

/// Checks `new` against `previous` in the direction(s) of `level`.
pub(crate) fn check(
    _level: CompatibilityLevel,
    _new: &JsonSchema,
    _previous: &JsonSchema,
    _options: &CheckOptions,
) -> Vec<Violation> {
    Vec::new()
}
