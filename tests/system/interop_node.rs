//! The Node.js clients `@confluentinc/schemaregistry` and `@kafkajs/confluent-schema-registry` against a fresh server
//! process: `tests/interop/node/setup.sh` installs them from npm (`npm ci`, pinned by package-lock.json), then
//! `json_roundtrip.mjs` drives the first one's real `JsonSerializer` and `JsonDeserializer`, and `kafkajs_protobuf.mjs`
//! the second one's Protobuf registration (with its `GET /config/{subject}` probe) and encode/decode.
//!
//! A missing Node.js or npm fails the test with setup.sh's message; it never skips.

use std::process::Command;
use std::time::Duration;

use accord_tests::{run_bounded, workspace_root};

use crate::server;

/// `npm ci` downloads about 280 packages on a cold run.
const SETUP_TIMEOUT: Duration = Duration::from_secs(600);
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn confluent_schemaregistry_node_client_and_json_serdes() {
    run_script("json_roundtrip.mjs");
}

#[test]
fn kafkajs_confluent_schema_registry_protobuf() {
    run_script("kafkajs_protobuf.mjs");
}

/// Installs (or reuses) `node_modules`, then runs `script` of `tests/interop/node/` against a fresh server.
fn run_script(script: &str) {
    let dir = workspace_root().join("tests/interop/node");
    // The tests of this module run in parallel processes and share one node_modules: `flock` on setup.sh makes the
    // second wait while the first installs it, instead of both running `npm ci` in the same folder at once.
    let setup = run_bounded(
        Command::new("flock")
            .arg(dir.join("setup.sh"))
            .arg("bash")
            .arg(dir.join("setup.sh"))
            .current_dir(&dir),
        SETUP_TIMEOUT,
    );
    assert!(
        setup.success(),
        "tests/interop/node/setup.sh failed: {}",
        setup.describe()
    );

    let server = server();
    let run = run_bounded(
        Command::new("node")
            .arg(dir.join(script))
            .arg(server.url())
            .current_dir(&dir),
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
