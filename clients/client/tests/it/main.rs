//! Integration tests of `accord-client`'s transport, caches and serializers against local stand-ins that fail on purpose.
//!
//! A tiny HTTP listener (`mock`) answers from a script and counts requests, so that retries,
//! failover, single flight and cache lifetimes are observable. The client's behaviour against the
//! real registry is tested in the workspace's system tests (`tests/system/client.rs`, and
//! `tests/system/serdes_interop.rs` for the bytes against confluent-kafka's serializers). The serializer
//! tests (`serdes`) need all three format features: `cargo test -p accord-client --all-features`.

mod caching;
mod mock;
mod resilience;
#[cfg(all(feature = "avro", feature = "json", feature = "protobuf"))]
mod serdes;
