//! Serializers and deserializers that frame serde values, prost messages and dynamic Protobuf messages
//! the way Confluent's clients do (spec §4), over a [`Client`]'s caches.
//!
//! Every serializer is bound to one subject, named from a topic by a [`SubjectNameStrategy`], and to
//! a [`SchemaSelection`]: register the local schema, look it up, or write with the subject's latest
//! or a pinned version. The registry is called once, by `prepare` (or the first async `serialize`);
//! after that `serialize_into` is synchronous, appends the frame and the payload to the caller's
//! buffer, and does no I/O. Deserializers fetch a writer schema on the first sight of its id or GUID
//! only, keep what they built from it (a parsed Avro schema, a JSON Schema validator, a descriptor
//! pool) for as long as they live, and offer a synchronous `deserialize_known` for ids already seen.
//!
//! Formats sit behind features: [`avro`] (`avro`), [`json`] (`json`), [`protobuf`] (`protobuf`).
//! Decoding never panics on arbitrary bytes: the frame goes through `accord_types::wire`, the payload
//! through the format library, and every failure is a [`SerdeError`].
//!
//! ```no_run
//! # #[cfg(feature = "avro")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use accord_client::Client;
//! use accord_client::serdes::SerializerConfig;
//! use accord_client::serdes::avro::{AvroDeserializer, AvroSerializer};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Order { id: String, amount: f64 }
//!
//! let client = Client::new("http://localhost:8081")?;
//! let schema = r#"{"type":"record","name":"Order","fields":[
//!     {"name":"id","type":"string"},{"name":"amount","type":"double"}]}"#;
//! let serializer = AvroSerializer::<Order>::new(client.clone(), schema, &SerializerConfig::value("orders"))?;
//! serializer.prepare().await?; // registers `orders-value` once
//! let mut record = Vec::new();
//! serializer.serialize_into(&Order { id: "o-1".into(), amount: 9.5 }, &mut record)?;
//!
//! let deserializer = AvroDeserializer::<Order>::new(client);
//! let order = deserializer.deserialize(&record).await?; // fetches the schema on the first sight of its id
//! # Ok(())
//! # }
//! ```

mod error;
mod resolve;
mod shared;
mod strategy;

#[cfg(feature = "avro")]
pub mod avro;
#[cfg(feature = "avro")]
mod avro_bounds;
#[cfg(feature = "avro")]
mod avro_de;
#[cfg(feature = "json")]
pub mod json;
#[cfg(feature = "protobuf")]
pub mod protobuf;

pub use error::{BoxError, SerdeError};
pub use strategy::{MessageField, SchemaSelection, SerializerConfig, SubjectNameStrategy};

#[cfg(doc)]
use crate::Client;
