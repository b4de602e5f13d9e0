//! The `accord` binary's offline commands, run as a user runs them: `accord asyncapi validate|lint|diff` on files in a
//! temporary directory, checking the exit code and both output formats.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const ACCORD: &str = env!("CARGO_BIN_EXE_accord");

/// A 3.0 document whose message lives in a sibling file, referenced relatively.
const MAIN: &str = r#"asyncapi: 3.0.0
info:
  title: Users
  version: 1.0.0
channels:
  signedUp:
    address: user.signedup
    messages:
      signedUp:
        $ref: './messages.yaml#/UserSignedUp'
  deleted:
    address: user.deleted
    messages:
      deleted:
        $ref: './messages.yaml#/UserDeleted'
operations:
  sendSignedUp:
    action: send
    channel: {$ref: '#/channels/signedUp'}
  sendDeleted:
    action: send
    channel: {$ref: '#/channels/deleted'}
"#;

const MESSAGES: &str = r#"UserSignedUp:
  name: userSignedUp
  payload:
    type: object
    properties:
      name: {type: string}
UserDeleted:
  name: userDeleted
  payload: {type: string}
"#;

fn accord(args: &[&str], dir: &Path) -> Output {
    Command::new(ACCORD)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run accord")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write a fixture")
    };
    write("main.yaml", MAIN);
    write("messages.yaml", MESSAGES);
    // Version 2 without the `deleted` channel and its operation.
    let without_deleted = MAIN
        .replace("  deleted:\n    address: user.deleted\n    messages:\n      deleted:\n        $ref: './messages.yaml#/UserDeleted'\n", "")
        .replace("  sendDeleted:\n    action: send\n    channel: {$ref: '#/channels/deleted'}\n", "");
    write("smaller.yaml", &without_deleted);
    write(
        "bad.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\noperations:\n  op:\n    action: send\n    channel: {$ref: '#/channels/missing'}\n",
    );
    write(
        "external.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    address: c\n    messages:\n      m:\n        payload: {$ref: 'http://example.com/schema.json'}\n",
    );
    dir
}

#[test]
fn validate_reads_sibling_files_and_fails_on_errors() {
    let dir = workspace();
    let ok = accord(&["asyncapi", "validate", "main.yaml"], dir.path());
    assert!(
        ok.status.success(),
        "stdout: {}\nstderr: {}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    assert!(
        text(&ok.stderr).contains("main.yaml: ok"),
        "{}",
        text(&ok.stderr)
    );

    let bad = accord(
        &["asyncapi", "validate", "main.yaml", "bad.yaml"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad.stdout));
    let out = text(&bad.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with("bad.yaml:"))
        .unwrap_or_else(|| panic!("a finding for bad.yaml: {out}"));
    // path:line:col: severity rule: message
    let mut parts = line.splitn(4, ':');
    assert_eq!(parts.next(), Some("bad.yaml"));
    assert!(
        parts.next().is_some_and(|l| l.parse::<u32>().is_ok()),
        "{line}"
    );
    assert!(
        parts.next().is_some_and(|c| c.parse::<u32>().is_ok()),
        "{line}"
    );
    assert!(
        parts.next().is_some_and(|rest| rest.starts_with(" error ")),
        "{line}"
    );

    let external = accord(
        &["asyncapi", "validate", "--format", "json", "external.yaml"],
        dir.path(),
    );
    assert_eq!(external.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&external.stdout).expect("JSON output");
    assert_eq!(report["files"][0]["valid"], false);
    let rules: Vec<&str> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(rules.contains(&"external-ref-not-fetched"), "{report}");
}

#[test]
fn lint_reports_in_json_and_takes_rule_settings() {
    let dir = workspace();
    let out = accord(
        &["asyncapi", "lint", "--format", "json", "main.yaml"],
        dir.path(),
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}", text(&out.stdout)));
    let file = &report["files"][0];
    assert_eq!(file["path"], "main.yaml");
    let errors = file["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(
        out.status.success(),
        errors == 0,
        "exit code follows the errors: {report}"
    );

    std::fs::write(dir.path().join("rules.json"), "not json").expect("write");
    let bad_rules = accord(
        &["asyncapi", "lint", "--rules", "rules.json", "main.yaml"],
        dir.path(),
    );
    assert!(!bad_rules.status.success());
    assert!(
        text(&bad_rules.stderr).contains("rules.json"),
        "{}",
        text(&bad_rules.stderr)
    );
}

#[test]
fn diff_exits_non_zero_on_breaking_changes() {
    let dir = workspace();
    let added = accord(
        &["asyncapi", "diff", "smaller.yaml", "main.yaml"],
        dir.path(),
    );
    assert!(
        added.status.success(),
        "adding a channel breaks nobody: {}",
        text(&added.stdout)
    );
    assert!(
        text(&added.stdout).contains("channel-added"),
        "{}",
        text(&added.stdout)
    );

    let removed = accord(
        &["asyncapi", "diff", "main.yaml", "smaller.yaml"],
        dir.path(),
    );
    assert_eq!(removed.status.code(), Some(1), "{}", text(&removed.stdout));
    assert!(
        text(&removed.stdout).contains("breaking channel-removed"),
        "{}",
        text(&removed.stdout)
    );

    let json = accord(
        &[
            "asyncapi",
            "diff",
            "--format",
            "json",
            "main.yaml",
            "smaller.yaml",
        ],
        dir.path(),
    );
    let report: Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert!(
        report["breaking"].as_u64().is_some_and(|n| n > 0),
        "{report}"
    );
    assert!(
        report["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["kind"] == "channel-removed" && c["classification"] == "breaking"),
        "{report}"
    );
}
