//! The Node.js clients `@confluentinc/schemaregistry` and `@kafkajs/confluent-schema-registry` against a fresh server
//! process on each backend: `tests/interop/node/setup.sh` installs them from npm (`npm ci`, pinned by package-lock.json), then
//! `json_roundtrip.mjs` drives the first one's real `JsonSerializer` and `JsonDeserializer`, and `kafkajs_protobuf.mjs`
//! the second one's Protobuf registration (with its `GET /config/{subject}` probe) and encode/decode, and
//! `asyncapi_export.mjs` validates Accord's AsyncAPI export with the official `@asyncapi/parser`.
//!
//! A missing Node.js or npm fails the test with setup.sh's message; it never skips.

use std::process::Command;

use accord_tests::run_interop_script;

use crate::{Backend, server_on};

on_both_backends!(sync: confluent_schemaregistry_node_client_and_json_serdes, kafkajs_confluent_schema_registry_protobuf, asyncapi_export_validates_with_the_official_parser);

fn confluent_schemaregistry_node_client_and_json_serdes(backend: Backend) {
    run_script(backend, "json_roundtrip.mjs");
}

fn kafkajs_confluent_schema_registry_protobuf(backend: Backend) {
    run_script(backend, "kafkajs_protobuf.mjs");
}

/// Issue 7, Done-when 4: `GET /accord/v1/asyncapi/export` after registering subjects of each type parses without an
/// error diagnostic in `@asyncapi/parser` (with its Avro and Protobuf schema parsers).
fn asyncapi_export_validates_with_the_official_parser(backend: Backend) {
    run_script(backend, "asyncapi_export.mjs");
}

/// Installs (or reuses) `node_modules`, then runs `script` of `tests/interop/node/` against a fresh server.
fn run_script(backend: Backend, script: &str) {
    run_interop_script(
        "node",
        script,
        || server_on(backend, &[]),
        |dir, _setup, server| {
            let mut command = Command::new("node");
            command
                .arg(dir.join(script))
                .arg(server.url())
                .current_dir(dir);
            command
        },
    );
}
