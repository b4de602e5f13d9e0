//! `accord asyncapi validate|lint|diff`: the AsyncAPI checks of the registry, offline.
//!
//! Only the files named on the command line are read, plus the files their relative `$ref`s
//! name under the document's own directory (transitively, within limits); nothing is fetched
//! from the network and registry links are not looked up (they are reported as warnings).
//! Human output is `path:line:col: severity rule: message`; `--format json` prints the same
//! findings with `accord-types`' shapes. The exit code is 1 on any error or breaking change.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_asyncapi::{
    Diagnostic, Document, ExternalData, LintConfig, LoadOptions, Severity, rules,
};
use accord_server::registry::{change_dto, diagnostic_dto};
use accord_types::AsyncApiChange;
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

/// Most files one document may pull in through relative `$ref`s.
const MAX_FILES: usize = 1000;
/// Largest file read, in bytes (the parser's own limit).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The `asyncapi` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum AsyncApiCommand {
    /// Validate documents against the AsyncAPI specification and the official parser's rules.
    Validate {
        /// Documents (YAML or JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Validate documents and run the governance rules.
    Lint {
        /// Documents (YAML or JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Rule settings as JSON (the `lintRules` of the registry's document config); default: recommended.
        #[arg(long)]
        rules: Option<PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Classify every change from OLD to NEW for the document's consumers.
    Diff {
        /// The previous version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        #[command(flatten)]
        output: Output,
    },
}

/// How findings are printed.
#[derive(Debug, Args)]
pub(crate) struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Runs a subcommand; `Ok(FAILURE)` when a document has errors or a change is breaking.
pub(crate) fn run(command: AsyncApiCommand) -> anyhow::Result<ExitCode> {
    match command {
        AsyncApiCommand::Validate { files, output } => check(&files, None, output.format),
        AsyncApiCommand::Lint {
            files,
            rules,
            output,
        } => {
            let config = match rules {
                Some(path) => {
                    let text = fs::read_to_string(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    let value: Value = serde_json::from_str(&text)
                        .with_context(|| format!("{} is not JSON", path.display()))?;
                    LintConfig::from_json(&value)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
                }
                None => LintConfig::recommended(),
            };
            check(&files, Some(&config), output.format)
        }
        AsyncApiCommand::Diff { old, new, output } => diff(&old, &new, output.format),
    }
}

/// A loaded file: its findings and, if it is a document, the document and its externals.
struct LoadedFile {
    diagnostics: Vec<Diagnostic>,
    document: Option<(Document, ExternalData)>,
}

fn load_file(path: &Path) -> anyhow::Result<LoadedFile> {
    let text = read_bounded(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let options = LoadOptions::recommended(&name);
    let externals = siblings(&dir, &name, &text, &options);
    let loaded = accord_asyncapi::load(&text, &options, &externals);
    let mut diagnostics = loaded.diagnostics;
    for d in &mut diagnostics {
        // Offline there is no registry to look links up in.
        if d.rule == rules::SCHEMA_LINK_UNRESOLVED {
            d.severity = Severity::Warning;
            d.message
                .push_str(" (offline: registry links are not looked up)");
        }
    }
    diagnostics.sort_by_key(|d| d.severity);
    Ok(LoadedFile {
        diagnostics,
        document: loaded.document.map(|d| (d, externals)),
    })
}

fn read_bounded(path: &Path) -> anyhow::Result<String> {
    let size = fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        bail!(
            "{} is {size} bytes, over the limit of {MAX_FILE_BYTES}",
            path.display()
        );
    }
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// The files relative `$ref`s name under `dir`, transitively, keyed as the loader asks for them.
fn siblings(dir: &Path, name: &str, text: &str, options: &LoadOptions) -> ExternalData {
    let mut externals = ExternalData::default();
    let mut queue = vec![(name.to_owned(), text.to_owned())];
    let mut seen = BTreeSet::from([name.to_owned()]);
    while let Some((key, text)) = queue.pop() {
        let Ok(parsed) =
            accord_asyncapi::parse(&text, &accord_asyncapi::ParseOptions::recommended())
        else {
            continue;
        };
        for target in accord_asyncapi::referenced_documents(&parsed.value, &key, options) {
            if seen.len() >= MAX_FILES || !seen.insert(target.clone()) {
                continue;
            }
            let file = dir.join(&target);
            let Ok(text) = read_bounded(&file) else {
                continue;
            };
            externals.documents.insert(target.clone(), text.clone());
            queue.push((target, text));
        }
    }
    externals
}

fn print_human(path: &Path, d: &Diagnostic) {
    let at = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{l}:{c}"),
        (Some(l), None) => format!("{l}:1"),
        _ => "1:1".to_owned(),
    };
    let pointer = if d.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", d.pointer)
    };
    println!(
        "{}:{at}: {} {}: {}{pointer}",
        path.display(),
        d.severity,
        d.rule,
        d.message
    );
}

/// `validate` (no config) and `lint`.
fn check(files: &[PathBuf], lint: Option<&LintConfig>, format: Format) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let mut reports = Vec::new();
    for path in files {
        let loaded = load_file(path)?;
        let mut diagnostics = loaded.diagnostics;
        if let (Some(config), Some((document, _))) = (lint, &loaded.document) {
            diagnostics.extend(accord_asyncapi::lint(document, config));
            diagnostics.sort_by_key(|d| d.severity);
        }
        let valid =
            loaded.document.is_some() && !diagnostics.iter().any(|d| d.severity == Severity::Error);
        failed |= !valid;
        match format {
            Format::Human => {
                diagnostics.iter().for_each(|d| print_human(path, d));
                if valid {
                    eprintln!("{}: ok", path.display());
                }
            }
            Format::Json => reports.push(json!({
                "path": path.display().to_string(),
                "valid": valid,
                "diagnostics": diagnostics.iter().map(diagnostic_dto).collect::<Vec<_>>(),
            })),
        }
    }
    if format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "files": reports }))?
        );
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn diff(old_path: &Path, new_path: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let old = load_file(old_path)?;
    let new = load_file(new_path)?;
    let mut invalid = false;
    for (path, loaded) in [(old_path, &old), (new_path, &new)] {
        if loaded.document.is_none()
            || loaded
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
        {
            invalid = true;
            if format == Format::Human {
                loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .for_each(|d| print_human(path, d));
            }
        }
    }
    let (Some((old_doc, old_ext)), Some((new_doc, new_ext))) = (old.document, new.document) else {
        if format == Format::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "valid": false, "changes": [] }))?
            );
        }
        return Ok(ExitCode::FAILURE);
    };
    let mut externals = old_ext;
    externals.documents.extend(new_ext.documents);
    externals.schemas.extend(new_ext.schemas);
    let report = accord_asyncapi::diff(&old_doc, &new_doc, &externals);
    let changes: Vec<AsyncApiChange> = report.changes.iter().map(change_dto).collect();
    let breaking = changes
        .iter()
        .filter(|c| c.classification == "breaking")
        .count();
    match format {
        Format::Human => {
            for c in &changes {
                println!(
                    "{}: {} {}: {} (at {})",
                    new_path.display(),
                    c.classification,
                    c.kind,
                    c.message,
                    c.pointer
                );
            }
            eprintln!("{} change(s), {breaking} breaking", changes.len());
        }
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "valid": !invalid,
                "breaking": breaking,
                "changes": changes,
            }))?
        ),
    }
    Ok(if invalid || breaking > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
