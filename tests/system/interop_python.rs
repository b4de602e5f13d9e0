//! confluent-kafka-python against a fresh server process on each backend: `tests/interop/python/setup.sh` builds the virtualenv from PyPI,
//! then `test_confluent_kafka.py` drives the real `SchemaRegistryClient` and Avro serdes, and `test_json_schema.py` its
//! JSON Schema serdes (with a schema reference), and `test_protobuf.py` its Protobuf serdes (base64 descriptors, a
//! well-known import and an import of another registered subject).
//!
//! A missing Python or pip fails the test with setup.sh's message; it never skips.

use std::process::Command;

use accord_tests::run_interop_script;

use crate::{Backend, server_on};

on_both_backends!(sync: confluent_kafka_python_client_and_avro_serdes, confluent_kafka_python_json_schema_serdes, confluent_kafka_python_protobuf_serdes);

fn confluent_kafka_python_client_and_avro_serdes(backend: Backend) {
    run_script(backend, "test_confluent_kafka.py");
}

fn confluent_kafka_python_json_schema_serdes(backend: Backend) {
    run_script(backend, "test_json_schema.py");
}

fn confluent_kafka_python_protobuf_serdes(backend: Backend) {
    run_script(backend, "test_protobuf.py");
}

/// Builds (or reuses) the virtualenv, then runs `script` of `tests/interop/python/` against a fresh server.
fn run_script(backend: Backend, script: &str) {
    run_interop_script(
        "python",
        script,
        || server_on(backend, &[]),
        |dir, setup, server| {
            let python = setup
                .stdout
                .lines()
                .last()
                .expect("setup.sh prints the virtualenv's python as its last line")
                .trim();
            let mut command = Command::new(python);
            command.arg(dir.join(script)).args(["--url", server.url()]);
            command
        },
    );
}
