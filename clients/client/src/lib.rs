//! `accord-client`: an async client for Accord and any Confluent-compatible schema registry.
//!
//! One [`Client`] method per REST endpoint (registry, compatibility, config, mode, contexts), taking
//! the typed ids and DTOs of `accord-types`. The client fails over between several registry URLs,
//! retries 429, 5xx and connection failures with exponential backoff (never a 4xx), sends basic or
//! bearer credentials, speaks HTTPS through rustls (feature `rustls-tls`, on by default), and caches
//! what repeats on a producer's or consumer's hot path: schemas by id and GUID forever, registrations
//! and lookups forever, each subject's latest version for a TTL, and 404s briefly, with one request
//! in flight per key. The `serdes` module (features `avro`, `json`, `protobuf`) frames and encodes
//! values over those caches, with the framing of `accord_types::wire`. It depends on `accord-types` only among Accord's crates.
//!
//! ```no_run
//! use accord_client::{Client, SchemaQuery};
//! use accord_types::{RegisterSchemaRequest, SchemaId, Subject};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder(["http://registry-a:8081", "http://registry-b:8081"])
//!     .basic_auth("key", "secret")
//!     .build()?;
//! let subject = Subject::new("orders-value")?;
//! let registered = client
//!     .register(&subject, &RegisterSchemaRequest::new(r#""string""#), false)
//!     .await?;
//! let id = SchemaId::try_from(registered.id)?;
//! let schema = client.schema_by_id(id, &SchemaQuery::default()).await?;
//! assert_eq!(schema.schema, r#""string""#);
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod cache;
mod client;
mod config;
mod error;
mod transport;

#[cfg(any(feature = "avro", feature = "json", feature = "protobuf"))]
pub mod serdes;

pub use client::{
    Client, CompatOptions, ListSchemas, ListSubjects, LookupOptions, SchemaQuery, Scope,
};
pub use config::{Auth, CacheConfig, ClientBuilder, RetryPolicy};
pub use error::{Error, TransportError};
