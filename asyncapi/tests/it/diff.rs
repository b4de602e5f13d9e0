//! The data-driven diff suite: each folder under `tests/it/diff/` holds `old.yaml`,
//! `new.yaml`, an optional `registry.json` (registry schemas the payloads link to:
//! `[{"subject", "version", "schemaType", "schema"}]`) and `expected.json`, the exact list of
//! changes `[{"kind", "classification", "pointer"}]`. A missing or an extra change fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord_asyncapi::{
    DiffReport, Document, ExternalData, LinkVersion, LinkedSchema, LoadOptions, SchemaLink,
    Severity, diff, load,
};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/diff");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/it/diff exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn externals(dir: &Path) -> ExternalData {
    let mut data = ExternalData::default();
    let Ok(text) = std::fs::read_to_string(dir.join("registry.json")) else {
        return data;
    };
    let entries: Vec<Value> = serde_json::from_str(&text).expect("registry.json is JSON");
    for e in entries {
        let link = SchemaLink {
            subject: e["subject"].as_str().expect("subject").to_string(),
            version: match e["version"].as_u64() {
                Some(n) => LinkVersion::Number(u32::try_from(n).expect("version fits")),
                None => LinkVersion::Latest,
            },
        };
        let schema_type = e["schemaType"]
            .as_str()
            .expect("schemaType")
            .parse()
            .expect("known schemaType");
        let text = e["schema"].as_str().expect("schema").to_string();
        data.schemas
            .insert(link, LinkedSchema { schema_type, text });
    }
    data
}

fn load_valid(path: &Path, externals: &ExternalData) -> Document {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let name = path.display().to_string();
    let loaded = load(&text, &LoadOptions::recommended(&name), externals);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{name} must be valid: {errors:#?}");
    loaded.document.expect("document")
}

type Key = (String, String, String);

fn actual_keys(report: &DiffReport) -> BTreeMap<Key, String> {
    report
        .changes
        .iter()
        .map(|c| {
            (
                (
                    c.kind.to_string(),
                    c.classification.as_str().to_string(),
                    c.pointer.clone(),
                ),
                c.message.clone(),
            )
        })
        .collect()
}

#[test]
fn diff_fixtures_report_exactly_the_expected_changes() {
    let dirs = fixtures();
    assert!(dirs.len() >= 10, "the diff suite lost fixtures: {dirs:?}");
    let mut failures = Vec::new();
    for dir in dirs {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let ext = externals(&dir);
        let old = load_valid(&dir.join("old.yaml"), &ext);
        let new = load_valid(&dir.join("new.yaml"), &ext);
        let report = diff(&old, &new, &ext);
        // Deterministic: the same inputs give the same report.
        assert_eq!(report, diff(&old, &new, &ext), "{name}: not deterministic");
        assert_eq!(
            report.changes.len(),
            actual_keys(&report).len(),
            "{name}: the same change reported twice: {:#?}",
            report.changes
        );
        for c in &report.changes {
            assert!(!c.message.is_empty(), "{name}: change without message");
        }
        let expected_text =
            std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
        let expected: Vec<Value> =
            serde_json::from_str(&expected_text).expect("expected.json is JSON");
        let expected: Vec<Key> = expected
            .iter()
            .map(|e| {
                let field = |k: &str| e[k].as_str().expect("string field").to_string();
                (field("kind"), field("classification"), field("pointer"))
            })
            .collect();
        let actual = actual_keys(&report);
        let missing: Vec<&Key> = expected
            .iter()
            .filter(|k| !actual.contains_key(*k))
            .collect();
        let extra: Vec<String> = actual
            .iter()
            .filter(|(k, _)| !expected.contains(k))
            .map(|(k, m)| format!("{k:?}: {m}"))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            failures.push(format!(
                "{name}:\n  missing: {missing:#?}\n  extra: {extra:#?}"
            ));
            continue;
        }
        assert_eq!(
            report.has_breaking(),
            expected.iter().any(|k| k.1 == "breaking"),
            "{name}: has_breaking"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
