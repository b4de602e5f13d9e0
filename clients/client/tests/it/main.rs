//! Integration tests of `accord-client`'s transport and caches against local stand-ins that fail on purpose.
//!
//! A tiny HTTP listener (`mock`) answers from a script and counts requests, so that retries,
//! failover, single flight and cache lifetimes are observable. The client's behaviour against the
//! real registry is tested in the workspace's system tests (`tests/system/client.rs`).

mod caching;
mod mock;
mod resilience;
