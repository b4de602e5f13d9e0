//! Protobuf: parsing, canonical and normalized text, and Confluent's compatibility rules.
//!
//! Not implemented yet: [`ProtobufSchema::parse`] answers [`SchemaError::UnsupportedType`], so
//! the registry rejects Protobuf schemas with 422 until this module lands.

use crate::{
    CheckOptions, CompatibilityLevel, ParseOptions, Reference, SchemaError, SchemaType, Violation,
};

/// A parsed Protobuf schema.
#[derive(Debug, Clone)]
pub(crate) struct ProtobufSchema {
    canonical: String,
}

impl ProtobufSchema {
    pub(crate) fn parse(
        _text: &str,
        _references: &[Reference],
        _options: &ParseOptions,
    ) -> Result<ProtobufSchema, SchemaError> {
        Err(SchemaError::UnsupportedType(SchemaType::Protobuf))
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
    _new: &ProtobufSchema,
    _previous: &ProtobufSchema,
    _options: &CheckOptions,
) -> Vec<Violation> {
    Vec::new()
}
