//! Tidy checks of the source tree (STYLE rules 15, 22, 23): every `.rs` file opens with a `//!` line, no test is skipped or expects a panic, no placeholder macro is left, HTTP handlers build no ad-hoc JSON, and both migration folders list the same versions.
//!
//! The needles below are built with `concat!` so that this file does not trip its own check.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use accord_tests::workspace_root;

/// Text no committed `.rs` file may contain, with the reason shown when one does.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        concat!("#[", "ignore"),
        "a known gap is an explicit expected-failure entry with a reason, never a skipped test (STYLE 22)",
    ),
    (
        concat!("#[", "should_panic"),
        "assert on the returned error instead (STYLE 22)",
    ),
    (
        concat!("todo", "!("),
        "unfinished code is not committed: return an error or finish it",
    ),
    (
        concat!("unimplemented", "!("),
        "return a domain error instead of panicking (STYLE counter-example)",
    ),
];

#[test]
fn every_rust_file_opens_with_a_module_doc_line() {
    let root = workspace_root();
    let mut missing = Vec::new();
    for path in rust_files(&root) {
        let text = read(&path);
        if !text.starts_with("//!") {
            missing.push(relative(&root, &path));
        }
    }
    assert!(
        missing.is_empty(),
        "these files must start with a `//!` line saying what they own (STYLE 23):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn no_skipped_tests_or_placeholder_macros() {
    let root = workspace_root();
    let mut found = Vec::new();
    for path in rust_files(&root) {
        let text = read(&path);
        for (number, line) in text.lines().enumerate() {
            for (needle, why) in FORBIDDEN {
                if line.contains(needle) {
                    found.push(format!(
                        "{}:{}: `{needle}`: {why}",
                        relative(&root, &path),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "forbidden text:\n  {}",
        found.join("\n  ")
    );
}

/// Ad-hoc JSON in the HTTP layer: every response shape is defined once, in `accord-types` (issue 6).
const AD_HOC_JSON: &[&str] = &[
    concat!("json", "!("),
    concat!("Json<", "Value>"),
    concat!("Json<serde_json::", "Value>"),
];

#[test]
fn http_responses_are_built_from_accord_types() {
    let root = workspace_root();
    let mut found = Vec::new();
    for path in rust_files(&root.join("server/src/http")) {
        for (number, line) in read(&path).lines().enumerate() {
            if let Some(needle) = AD_HOC_JSON.iter().find(|needle| line.contains(*needle)) {
                found.push(format!(
                    "{}:{}: `{needle}`",
                    relative(&root, &path),
                    number + 1
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "HTTP handlers answer with `accord-types` DTOs, not ad-hoc JSON (one definition of each shape):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn migration_folders_list_the_same_versions() {
    let root = workspace_root();
    let sqlite = migration_names(&root.join("migrations/sqlite"));
    let postgres = migration_names(&root.join("migrations/postgres"));
    assert!(!sqlite.is_empty(), "migrations/sqlite/ holds no migration");
    assert!(
        sqlite == postgres,
        "migrations/sqlite/ and migrations/postgres/ must list the same versions and names (STYLE 15)\n  only in sqlite: {:?}\n  only in postgres: {:?}",
        sqlite.difference(&postgres).collect::<Vec<_>>(),
        postgres.difference(&sqlite).collect::<Vec<_>>()
    );
}

/// The migration names in `dir` (`0001_registry` for `0001_registry.sql`); a missing folder is empty, since git keeps no empty folders.
fn migration_names(dir: &Path) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    let mut names = BTreeSet::new();
    for entry in entries {
        let path = entry.expect("read a migrations entry").path();
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let Some(name) = file.strip_suffix(".sql") else {
            continue;
        };
        let version = name.split('_').next().unwrap_or_default();
        assert!(
            !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit())
                && name.len() > version.len() + 1,
            "{} is not named `<version>_<description>.sql`",
            path.display()
        );
        names.insert(name.to_string());
    }
    names
}

/// Every `.rs` file under `root`, skipping hidden folders (`.git`) and Cargo target folders (marked by `CACHEDIR.TAG`).
fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if dir.join("CACHEDIR.TAG").exists() {
            continue;
        }
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("read {}: {err}", dir.display()));
        for entry in entries {
            let entry = entry.expect("read a directory entry");
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    pending.push(path);
                }
            } else if kind.is_file() && name.ends_with(".rs") {
                files.push(path);
            }
        }
    }
    assert!(
        !files.is_empty(),
        "found no .rs file under {}",
        root.display()
    );
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
