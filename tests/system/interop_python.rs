//! confluent-kafka-python against a fresh server process: `tests/interop/python/setup.sh` builds the virtualenv from PyPI,
//! then `test_confluent_kafka.py` drives the real `SchemaRegistryClient` and Avro serdes.
//!
//! A missing Python or pip fails the test with setup.sh's message; it never skips.

use std::process::Command;
use std::time::Duration;

use accord_tests::{run_bounded, workspace_root};

use crate::server;

/// Creating the virtualenv downloads and installs about twenty packages on a cold run.
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn confluent_kafka_python_client_and_avro_serdes() {
    let dir = workspace_root().join("tests/interop/python");
    let setup = run_bounded(
        Command::new("bash")
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
    let script = run_bounded(
        Command::new(&python)
            .arg(dir.join("test_confluent_kafka.py"))
            .args(["--url", server.url()]),
        SCRIPT_TIMEOUT,
    );
    println!("{}", script.stdout);
    let status = match script.status {
        Some(status) => status.to_string(),
        None => format!("killed after {SCRIPT_TIMEOUT:?}"),
    };
    assert!(
        script.success(),
        "test_confluent_kafka.py failed ({status}); its output is above\n--- its stderr ---\n{}\n--- server stderr ---\n{}",
        script.stderr,
        server.stderr()
    );
}
