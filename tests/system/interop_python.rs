//! confluent-kafka-python against a fresh server process: `tests/interop/python/setup.sh` builds the virtualenv from PyPI,
//! then `test_confluent_kafka.py` drives the real `SchemaRegistryClient` and Avro serdes, and `test_json_schema.py` its
//! JSON Schema serdes (with a schema reference), and `test_protobuf.py` its Protobuf serdes (base64 descriptors, a
//! well-known import and an import of another registered subject).
//!
//! A missing Python or pip fails the test with setup.sh's message; it never skips.

use std::process::Command;
use std::time::Duration;

use accord_tests::{run_bounded, workspace_root};

use crate::server;

/// Creating the virtualenv downloads and installs about twenty-five packages on a cold run.
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn confluent_kafka_python_client_and_avro_serdes() {
    run_script("test_confluent_kafka.py");
}

#[test]
fn confluent_kafka_python_json_schema_serdes() {
    run_script("test_json_schema.py");
}

#[test]
fn confluent_kafka_python_protobuf_serdes() {
    run_script("test_protobuf.py");
}

/// Builds (or reuses) the virtualenv, then runs `script` of `tests/interop/python/` against a fresh server.
fn run_script(script: &str) {
    let dir = workspace_root().join("tests/interop/python");
    // The tests of this module run in parallel processes and share one virtualenv: `flock` on setup.sh makes the
    // second wait while the first builds it, instead of both deleting and creating it at once.
    let setup = run_bounded(
        Command::new("flock")
            .arg(dir.join("setup.sh"))
            .arg("bash")
            .arg(dir.join("setup.sh"))
            .current_dir(workspace_root()),
        SETUP_TIMEOUT,
    );
    assert!(
        setup.success(),
        "tests/interop/python/setup.sh failed: {}",
        setup.describe()
    );
    let python = setup
        .stdout
        .lines()
        .last()
        .expect("setup.sh prints the virtualenv's python as its last line")
        .trim()
        .to_string();

    let server = server();
    let run = run_bounded(
        Command::new(&python)
            .arg(dir.join(script))
            .args(["--url", server.url()]),
        SCRIPT_TIMEOUT,
    );
    println!("{}", run.stdout);
    let status = match run.status {
        Some(status) => status.to_string(),
        None => format!("killed after {SCRIPT_TIMEOUT:?}"),
    };
    assert!(
        run.success(),
        "{script} failed ({status}); its output is above\n--- its stderr ---\n{}\n--- server stderr ---\n{}",
        run.stderr,
        server.stderr()
    );
}
