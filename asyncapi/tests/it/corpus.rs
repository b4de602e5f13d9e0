//! Done-when 1: every corpus document loads without a panic, and Accord's valid/invalid
//! verdict equals the official parser's on at least 95% of them. Every disagreement is listed
//! with its reason in `corpus_disagreements.txt`; an unlisted disagreement, or a listed one
//! that now agrees, fails the test.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use accord_asyncapi::{ExternalData, LoadOptions, Severity, load};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/asyncapi-corpus");
const DISAGREEMENTS: &str = include_str!("corpus_disagreements.txt");

fn files(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let entries = fs::read_dir(dir).expect("corpus directory is readable");
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files(&path, root, out);
        } else if let Ok(text) = fs::read_to_string(&path) {
            let rel = path
                .strip_prefix(root)
                .expect("path under the corpus root")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, text);
        }
    }
}

/// `path<TAB>reason` lines; `#` starts a comment.
fn listed() -> BTreeMap<String, String> {
    DISAGREEMENTS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (path, reason) = l.split_once('\t').unwrap_or((l, ""));
            assert!(
                !reason.trim().is_empty(),
                "disagreement {path} has no reason"
            );
            (path.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

#[test]
fn verdicts_match_the_official_parser() {
    let root = PathBuf::from(CORPUS);
    let verdicts: BTreeMap<String, Value> = serde_json::from_str(
        &fs::read_to_string(root.join("verdicts.json")).expect("verdicts.json is readable"),
    )
    .expect("verdicts.json parses");
    let mut externals = ExternalData::default();
    files(&root, &root, &mut externals.documents);
    let listed = listed();

    let mut agree = 0usize;
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for (path, verdict) in &verdicts {
        let text = externals
            .documents
            .get(path)
            .unwrap_or_else(|| panic!("corpus document {path} is missing"));
        let official_valid = verdict["verdict"] == "valid";
        let options = LoadOptions::recommended(path);
        let loaded = std::panic::catch_unwind(|| load(text, &options, &externals))
            .unwrap_or_else(|_| panic!("loading {path} panicked"));
        let accord_valid = loaded.is_valid();
        let is_listed = listed.contains_key(path);
        if accord_valid == official_valid {
            agree += 1;
            if is_listed {
                stale.push(path.clone());
            }
        } else if !is_listed {
            let errors: Vec<String> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .take(3)
                .map(ToString::to_string)
                .collect();
            unexpected.push(format!(
                "{path}: official {} {}, accord {}: {errors:?}",
                verdict["verdict"],
                verdict["errorCodes"],
                if accord_valid { "valid" } else { "invalid" }
            ));
        }
    }
    for path in listed.keys() {
        assert!(
            verdicts.contains_key(path),
            "listed disagreement {path} is not in the corpus"
        );
    }
    let total = verdicts.len();
    println!("corpus agreement: {agree}/{total}");
    assert!(
        unexpected.is_empty(),
        "{} unlisted disagreements:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed disagreements that now agree (remove them): {stale:?}"
    );
    assert!(
        agree * 100 >= total * 95,
        "agreement {agree}/{total} is under 95%"
    );
}
