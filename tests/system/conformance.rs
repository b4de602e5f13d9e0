//! The recorded Confluent Schema Registry scenarios (`../shared/conformance`) replayed by `replay.py` against a fresh server process (STYLE rule 25),
//! once on SQLite and once on PostgreSQL.
//!
//! Every scenario is replayed and the overall counts are printed; every scenario (Avro, JSON Schema
//! and Protobuf) must pass except those in `EXPECTED_FAILURES`, and an expected failure that
//! passes is reported as stale.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use accord_tests::{clip, run_bounded, shared_dir};
use serde_json::Value;

use crate::{Backend, server_on};

/// How many scenarios the recording holds (`conformance/README.md`); fewer means the data moved.
const RECORDED_SCENARIOS: usize = 37;

/// Scenarios allowed to fail, each with the reason a user would accept.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

/// How long the whole replay may take.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(900);

on_both_backends!(sync: recorded_confluent_scenarios_replay);

fn recorded_confluent_scenarios_replay(backend: Backend) {
    let replay = shared_dir().join("conformance/replay.py");
    let server = server_on(backend, &[]);
    let out = tempfile::tempdir().expect("temporary directory");
    let report_path = out.path().join("report.json");

    let finished = run_bounded(
        Command::new("python3")
            .arg(&replay)
            .args([
                "--url",
                server.url(),
                "--all-failures",
                "--quiet",
                "--json-out",
            ])
            .arg(&report_path),
        REPLAY_TIMEOUT,
    );
    // replay.py exits 0 when all pass and 1 when some fail; anything else means it could not run.
    let code = finished.status.and_then(|status| status.code());
    assert!(
        matches!(code, Some(0 | 1)) && report_path.exists(),
        "replay.py did not run to completion: {}\n--- server stderr ---\n{}",
        finished.describe(),
        server.stderr()
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(&report_path).expect("read the replay report"),
    )
    .expect("the replay report is JSON");

    let summary = &report["summary"];
    println!(
        "conformance ({backend:?}): {}/{} scenarios passed, {}/{} steps passed ({} byte-for-byte, {} through a tolerance)",
        summary["passed"],
        summary["scenarios"],
        summary["steps_passed"],
        summary["steps"],
        summary["steps_exact"],
        summary["steps_tolerated"]
    );

    let mut passed = BTreeMap::new();
    for scenario in report["scenarios"].as_array().expect("scenarios") {
        let name = scenario["name"].as_str().expect("scenario name");
        let ok = scenario["passed"].as_bool().expect("scenario passed");
        passed.insert(name.to_string(), ok);
        if !ok {
            println!("FAIL {name}");
            for step in scenario["steps"].as_array().expect("steps") {
                if step["passed"].as_bool() != Some(true) {
                    println!("  {}", describe_step(name, step));
                }
            }
        }
    }

    let mut problems = Vec::new();
    if passed.len() < RECORDED_SCENARIOS {
        problems.push(format!(
            "the report lists {} scenarios, the recording has {RECORDED_SCENARIOS}",
            passed.len()
        ));
    }
    for (name, reason) in EXPECTED_FAILURES {
        if passed.get(*name) == Some(&true) {
            problems.push(format!(
                "{name} passes now: remove its stale expected-failure entry ({reason})"
            ));
        }
    }
    for (name, ok) in &passed {
        let expected_to_fail = EXPECTED_FAILURES.iter().any(|(xfail, _)| xfail == name);
        if !ok && !expected_to_fail {
            problems.push(format!("{name} fails"));
        }
    }
    assert!(
        problems.is_empty(),
        "conformance replay (the failing steps are listed in the output above):\n  {}\n--- replay.py stderr ---\n{}",
        problems.join("\n  "),
        finished.stderr
    );
}

/// One failing step as a line: what was sent, what Confluent answered, what we answered.
fn describe_step(scenario: &str, step: &Value) -> String {
    let brief = |value: &Value| clip(&value.to_string(), 300);
    format!(
        "{scenario}#{} {} {} (compared: {}): expected {} {} got {} {}",
        step["index"],
        step["method"].as_str().unwrap_or("?"),
        step["sent_path"].as_str().unwrap_or("?"),
        step["compared"].as_str().unwrap_or("?"),
        step["expected"]["status"],
        brief(&step["expected"]["body"]),
        step["got"]["status"],
        brief(&step["got"]["body"])
    )
}
