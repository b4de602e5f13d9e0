//! [`SerdeError`]: why a value could not be framed and encoded, or a record unframed and decoded.

use accord_types::wire::{WireError, WireSchemaId};

use crate::Error;

/// A foreign library's error, boxed so that this enum stays small and the library out of the API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything a serializer or deserializer can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SerdeError {
    /// A registry call failed (registration refused, unknown subject or id, network).
    #[error("schema registry call failed")]
    Registry(#[from] Error),
    /// The record's bytes are not a Confluent frame (wrong magic byte, truncated id or indexes).
    #[error("malformed record frame")]
    Frame(#[from] WireError),
    /// The subject name strategy cannot name a subject (a record strategy without a record name).
    #[error("cannot name the subject: {0}")]
    Subject(String),
    /// A schema (local, or fetched from the registry) cannot be used by this serializer or deserializer.
    #[error("unusable schema ({schema}): {reason}")]
    Schema {
        /// Which schema: `local`, or the registry id or GUID.
        schema: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The value cannot be encoded with the writer schema.
    #[error("cannot encode the value with schema {}", show(.schema))]
    Encode {
        /// The writer schema's id.
        schema: WireSchemaId,
        /// The format library's reason.
        #[source]
        source: BoxError,
    },
    /// A JSON value does not satisfy its JSON Schema.
    #[error("the value does not satisfy schema {}: {reason}", show(.schema))]
    Invalid {
        /// The schema's id.
        schema: WireSchemaId,
        /// The first violation, with its location.
        reason: String,
    },
    /// The payload cannot be decoded with its writer schema (and the reader schema, when one is set).
    #[error("cannot decode a payload written with schema {}", show(.schema))]
    Decode {
        /// The writer schema's id or GUID, as framed.
        schema: WireSchemaId,
        /// The format library's reason.
        #[source]
        source: BoxError,
    },
    /// `serialize_into` was called before the serializer resolved its schema id.
    #[error("the serializer has not resolved its schema yet: call `prepare` first")]
    NotPrepared,
    /// `deserialize_known` met an id or GUID that this deserializer has not loaded yet.
    #[error("schema {} has not been loaded yet: call the async `deserialize` first", show(.0))]
    NotLoaded(WireSchemaId),
}

impl SerdeError {
    pub(crate) fn schema(schema: impl std::fmt::Display, reason: impl std::fmt::Display) -> Self {
        SerdeError::Schema {
            schema: schema.to_string(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn decode(schema: WireSchemaId, source: impl Into<BoxError>) -> Self {
        SerdeError::Decode {
            schema,
            source: source.into(),
        }
    }

    pub(crate) fn encode(schema: WireSchemaId, source: impl Into<BoxError>) -> Self {
        SerdeError::Encode {
            schema,
            source: source.into(),
        }
    }
}

/// `id 7` or `guid 0b4c…`: how messages name a framed schema.
pub(crate) fn show(schema: &WireSchemaId) -> String {
    match schema {
        WireSchemaId::Id(id) => format!("id {id}"),
        WireSchemaId::Guid(guid) => format!("guid {guid}"),
    }
}
