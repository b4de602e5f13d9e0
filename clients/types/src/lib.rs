//! `accord-types`: the JSON shapes of the Confluent Schema Registry REST API, its error codes,
//! typed identifiers, and the wire format that frames a schema id around each Kafka message.
//!
//! The server builds every response from these types and the client parses them, so each JSON
//! shape has exactly one definition. Field presence follows Confluent 7.9's Jackson `NON_EMPTY`
//! rule: empty lists and absent values are omitted. Depends on serde only.
#![warn(missing_docs)]

mod asyncapi;
mod dto;
mod error_code;
mod ids;
pub mod wire;

pub use asyncapi::{
    AsyncApiChange, AsyncApiConfig, AsyncApiDiagnostic, AsyncApiErrorBody, AsyncApiRegistered,
    SubjectUsage,
};
pub use dto::*;
pub use error_code::ErrorCode;
pub use ids::{IdError, SchemaGuid, SchemaId, Subject, Version};
