//! Integration tests of `accord-compat`, driven by Confluent's recorded behaviour in `/work/shared`.
//!
//! Every data set is compared in full; a known gap is an entry in that test's expected-difference
//! table with its reason, and an entry that starts passing fails the test as stale.

mod avro_compat_rules;
mod avro_library;
mod avro_peer;
mod avro_references;
mod avro_robustness;
mod avro_server;
mod common;
mod identity;
mod json_library;
mod json_robustness;
mod json_scenarios;
mod protobuf_library;
mod protobuf_robustness;
mod protobuf_scenarios;
