//! AsyncAPI documents in the registry: versions per name, each validated, linted and diffed
//! against the previous live version before it is stored, plus settings, usages and export.
//!
//! A new version is loaded twice by `accord-asyncapi`: once without registry schemas, to learn
//! which subject versions its payloads link to, and once with those schemas supplied as data, so
//! that payloads are checked and diffed by `compat`. Nothing here fetches anything a document
//! names; only the registry's own store is read. Loading runs on the blocking pool.

use std::collections::BTreeSet;
use std::sync::Arc;

use accord_asyncapi::{
    Change, Diagnostic, Document, ExternalData, LinkVersion, LintConfig, LoadOptions, Loaded,
    SchemaLink, Severity, Syntax,
};
use accord_compat::CompatibilityLevel;
use accord_types::{
    AsyncApiChange, AsyncApiConfig, AsyncApiDiagnostic, AsyncApiRegistered, SubjectUsage,
};
use md5::{Digest, Md5};

use super::subject::{QualifiedSubject, VersionSelector};
use super::{Registry, RegistryError, schema_type};
use crate::store::StoreError;
use crate::store::asyncapi::{DocumentLink, DocumentRow, DocumentState, NewDocument};

mod export;

/// How often a new version is decided again after another writer changed the document.
const MAX_ATTEMPTS: usize = 8;
/// Longest accepted document name, in bytes.
const MAX_NAME_BYTES: usize = 255;
/// Names that would collide with fixed routes under `/accord/v1/asyncapi/`.
const RESERVED_NAMES: [&str; 2] = ["export", "config"];
/// The settings key of the registry-wide defaults: no document can be named `""`.
const GLOBAL_SETTINGS: &str = "";

/// A stored document version, as served.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    /// The text as posted.
    pub content: String,
    /// Whether it was posted as JSON (else YAML).
    pub is_json: bool,
}

impl Registry {
    /// `GET /accord/v1/asyncapi`: names with a live version (every name with `deleted`).
    pub async fn document_names(&self, deleted: bool) -> Result<Vec<String>, RegistryError> {
        let names = self.store.document_names().await?;
        Ok(names
            .into_iter()
            .filter(|n| deleted || n.has_live)
            .map(|n| n.name)
            .collect())
    }

    /// `GET /accord/v1/asyncapi/{name}/versions`.
    pub async fn document_version_numbers(
        &self,
        name: &str,
        deleted: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let versions = self.store.document_versions(name).await?;
        let listed: Vec<i32> = versions
            .iter()
            .filter(|v| deleted || !v.deleted)
            .map(|v| v.version)
            .collect();
        if listed.is_empty() {
            return Err(RegistryError::DocumentNotFound(name.to_owned()));
        }
        Ok(listed)
    }

    /// `GET /accord/v1/asyncapi/{name}/versions/{v}`.
    pub async fn document_version(
        &self,
        name: &str,
        selector: VersionSelector,
        deleted: bool,
    ) -> Result<StoredDocument, RegistryError> {
        let row = self.find_document(name, selector, deleted).await?;
        Ok(StoredDocument {
            is_json: row.syntax == "json",
            content: row.content,
        })
    }

    async fn find_document(
        &self,
        name: &str,
        selector: VersionSelector,
        deleted: bool,
    ) -> Result<DocumentRow, RegistryError> {
        let versions = self.store.document_versions(name).await?;
        if versions.iter().all(|v| v.deleted && !deleted) {
            return Err(RegistryError::DocumentNotFound(name.to_owned()));
        }
        let found = match selector {
            VersionSelector::Latest => versions.iter().rev().find(|v| !v.deleted),
            VersionSelector::Number(n) => versions
                .iter()
                .find(|v| v.version == n && (deleted || !v.deleted)),
        };
        let missing =
            || RegistryError::DocumentVersionNotFound(name.to_owned(), selector.printed());
        let version = found.ok_or_else(missing)?.version;
        self.store
            .document(name, version)
            .await?
            .ok_or_else(missing)
    }

    /// `GET /accord/v1/asyncapi/{name}/config` (`name` given) or `/accord/v1/asyncapi/config`
    /// (the registry-wide defaults): the settings in force. Each field comes from the
    /// document's own settings, else the registry-wide ones, else the built-in default
    /// (`BACKWARD`; no `lintRules` means the recommended rules).
    pub async fn document_config(
        &self,
        name: Option<&str>,
    ) -> Result<AsyncApiConfig, RegistryError> {
        let global = self.stored_document_config(GLOBAL_SETTINGS).await?;
        let own = match name {
            Some(name) => self.stored_document_config(name).await?,
            None => AsyncApiConfig::default(),
        };
        Ok(AsyncApiConfig {
            compatibility: Some(
                own.compatibility
                    .or(global.compatibility)
                    .unwrap_or_else(|| CompatibilityLevel::Backward.as_str().to_owned()),
            ),
            lint_rules: own.lint_rules.or(global.lint_rules),
        })
    }

    async fn stored_document_config(&self, key: &str) -> Result<AsyncApiConfig, RegistryError> {
        match self.store.document_config(key).await? {
            Some(body) => Ok(serde_json::from_str(&body).map_err(StoreError::from)?),
            None => Ok(AsyncApiConfig::default()),
        }
    }

    /// `PUT /accord/v1/asyncapi/{name}/config` (`name` given) or `/accord/v1/asyncapi/config`
    /// (the registry-wide defaults): validates and stores the given fields (absent fields keep
    /// their stored value); returns what was sent, normalized.
    pub async fn put_document_config(
        &self,
        name: Option<&str>,
        update: AsyncApiConfig,
    ) -> Result<AsyncApiConfig, RegistryError> {
        if let Some(name) = name {
            validate_name(name)?;
        }
        let key = name.unwrap_or(GLOBAL_SETTINGS);
        let mut echoed = AsyncApiConfig::default();
        if let Some(level) = &update.compatibility {
            let level: CompatibilityLevel = level
                .parse()
                .map_err(|()| RegistryError::InvalidCompatibilityLevel)?;
            echoed.compatibility = Some(level.as_str().to_owned());
        }
        if let Some(rules) = &update.lint_rules {
            LintConfig::from_json(rules)
                .map_err(|e| RegistryError::Unprocessable(format!("invalid lintRules: {e}")))?;
            echoed.lint_rules = Some(rules.clone());
        }
        let mut stored = self.stored_document_config(key).await?;
        if echoed.compatibility.is_some() {
            stored.compatibility.clone_from(&echoed.compatibility);
        }
        if echoed.lint_rules.is_some() {
            stored.lint_rules.clone_from(&echoed.lint_rules);
        }
        let body = serde_json::to_string(&stored).map_err(StoreError::from)?;
        self.store.set_document_config(key, &body).await?;
        Ok(echoed)
    }

    /// `DELETE /accord/v1/asyncapi/{name}/config` (`name` given) or `/accord/v1/asyncapi/config`:
    /// forgets the stored settings, so that the registry-wide (or built-in) defaults apply;
    /// returns the settings that were stored. 404 (`40408`) when there were none.
    pub async fn delete_document_config(
        &self,
        name: Option<&str>,
    ) -> Result<AsyncApiConfig, RegistryError> {
        let key = name.unwrap_or(GLOBAL_SETTINGS);
        let stored = self.stored_document_config(key).await?;
        if !self.store.delete_document_config(key).await? {
            return Err(RegistryError::DocumentConfigNotFound(
                name.map(str::to_owned),
            ));
        }
        Ok(stored)
    }

    /// `POST /accord/v1/asyncapi/{name}/versions`: validates, lints and diffs `text`, and
    /// stores it as the next version unless a breaking change is refused. `base_urls` are the
    /// URLs under which the registry is reached, so that absolute links to it are recognized.
    pub async fn post_document(
        &self,
        name: &str,
        text: String,
        base_urls: Vec<String>,
    ) -> Result<AsyncApiRegistered, RegistryError> {
        validate_name(name)?;
        let config = self.document_config(Some(name)).await?;
        let level: CompatibilityLevel = config
            .compatibility
            .as_deref()
            .unwrap_or("BACKWARD")
            .parse()
            .unwrap_or(CompatibilityLevel::Backward);
        let lint_config = match &config.lint_rules {
            Some(rules) => LintConfig::from_json(rules)
                .map_err(|e| RegistryError::Unprocessable(format!("invalid lintRules: {e}")))?,
            None => LintConfig::recommended(),
        };
        let text: Arc<str> = text.into();
        let mut options = LoadOptions::recommended("");
        options.registry_base_urls = base_urls;
        let (document, externals, warnings) =
            self.load_checked(&text, &options, &lint_config).await?;
        let document = Arc::new(document);
        let hash = content_hash(&text);
        let links = link_rows(&document);
        for _ in 0..MAX_ATTEMPTS {
            let versions = self.store.document_versions(name).await?;
            let expected = DocumentState::of(&versions);
            let latest = versions.iter().rev().find(|v| !v.deleted);
            if let Some(latest) = latest.filter(|l| l.content_hash == hash) {
                return Ok(AsyncApiRegistered {
                    name: name.to_owned(),
                    version: latest.version,
                    warnings,
                    changes: Vec::new(),
                });
            }
            // The previous live version first, then (transitive levels) every older one.
            let mut against: Vec<i32> = versions
                .iter()
                .rev()
                .filter(|v| !v.deleted)
                .map(|v| v.version)
                .collect();
            if !level.is_transitive() {
                against.truncate(1);
            }
            let mut changes = Vec::new();
            for (ix, version) in against.iter().enumerate() {
                let report = self
                    .diff_against(name, *version, &document, &externals, &options)
                    .await?;
                if ix == 0 {
                    changes = report.clone();
                }
                let breaking: Vec<AsyncApiChange> = report
                    .into_iter()
                    .filter(|c| c.classification == "breaking")
                    .collect();
                if level != CompatibilityLevel::None && !breaking.is_empty() {
                    let list: Vec<String> = breaking
                        .iter()
                        .map(|c| format!("{} at {}: {}", c.kind, c.pointer, c.message))
                        .collect();
                    return Err(RegistryError::BreakingChange {
                        message: format!(
                            "the document is not {} compatible with version {version}: {}",
                            level.as_str(),
                            list.join("; ")
                        ),
                        changes: breaking,
                    });
                }
            }
            let new = NewDocument {
                name: name.to_owned(),
                content: text.to_string(),
                syntax: match document.syntax {
                    Syntax::Json => "json",
                    Syntax::Yaml => "yaml",
                }
                .to_owned(),
                spec_version: document.version.to_string(),
                content_hash: hash.clone(),
                links: links.clone(),
                expected,
            };
            match self.store.add_document_version(&new).await {
                Ok(version) => {
                    return Ok(AsyncApiRegistered {
                        name: name.to_owned(),
                        version,
                        warnings,
                        changes,
                    });
                }
                Err(StoreError::Conflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// Loads `text` with the registry schemas it links to; any error-severity finding of
    /// validation or lint is a [`RegistryError::InvalidDocument`]. Returns the document, the
    /// schemas it links to, and the remaining findings.
    async fn load_checked(
        &self,
        text: &Arc<str>,
        options: &LoadOptions,
        lint_config: &LintConfig,
    ) -> Result<(Document, ExternalData, Vec<AsyncApiDiagnostic>), RegistryError> {
        let mut first_options = options.clone();
        first_options.check_payloads = false;
        let first = load_blocking(text.clone(), first_options, ExternalData::default()).await?;
        let Some(first_doc) = first.document else {
            return Err(invalid_document(&first.diagnostics));
        };
        let links: BTreeSet<SchemaLink> = first_doc
            .schema_links()
            .into_iter()
            .map(|(_, link)| link.clone())
            .collect();
        let (externals, missing) = self.linked_schemas(links).await?;
        if !missing.is_empty() {
            let named: Vec<String> = missing
                .iter()
                .map(|l| format!("subject '{}' version {}", l.subject, l.version))
                .collect();
            return Err(RegistryError::InvalidDocument {
                message: format!(
                    "payloads link to schemas the registry does not have: {}",
                    named.join(", ")
                ),
                diagnostics: Vec::new(),
            });
        }
        let loaded = load_blocking(text.clone(), options.clone(), externals.clone()).await?;
        let Loaded {
            document,
            mut diagnostics,
        } = loaded;
        let Some(document) = document else {
            return Err(invalid_document(&diagnostics));
        };
        diagnostics.extend(accord_asyncapi::lint(&document, lint_config));
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(invalid_document(&diagnostics));
        }
        Ok((
            document,
            externals,
            diagnostics.iter().map(diagnostic_dto).collect(),
        ))
    }

    /// The registry schemas `links` name, and the links the registry cannot satisfy.
    async fn linked_schemas(
        &self,
        links: BTreeSet<SchemaLink>,
    ) -> Result<(ExternalData, Vec<SchemaLink>), RegistryError> {
        let mut externals = ExternalData::default();
        let mut missing = Vec::new();
        for link in links {
            let subject = QualifiedSubject::parse(&link.subject);
            let versions = self.store.versions(&subject.context, &subject.name).await?;
            let found = match link.version {
                LinkVersion::Latest => versions.iter().rev().find(|v| !v.deleted),
                LinkVersion::Number(n) => versions
                    .iter()
                    .find(|v| !v.deleted && i64::from(v.version) == i64::from(n)),
            };
            let Some(found) = found else {
                missing.push(link);
                continue;
            };
            let row = self
                .existing_schema(&subject.context, found.schema_id)
                .await?;
            let linked = accord_asyncapi::LinkedSchema {
                schema_type: schema_type(&row.schema_type)?,
                text: row.schema.clone(),
            };
            externals.schemas.insert(link, linked);
        }
        Ok((externals, missing))
    }

    /// The changes from stored version `version` to `new`.
    async fn diff_against(
        &self,
        name: &str,
        version: i32,
        new: &Arc<Document>,
        new_externals: &ExternalData,
        options: &LoadOptions,
    ) -> Result<Vec<AsyncApiChange>, RegistryError> {
        let Some(row) = self.store.document(name, version).await? else {
            return Err(StoreError::Conflict.into());
        };
        let text: Arc<str> = row.content.into();
        let mut old_options = options.clone();
        old_options.check_payloads = false;
        let first = load_blocking(text.clone(), old_options, ExternalData::default()).await?;
        let Some(first_doc) = first.document else {
            return Err(RegistryError::Internal(format!(
                "stored document {name} version {version} no longer loads"
            )));
        };
        let links: BTreeSet<SchemaLink> = first_doc
            .schema_links()
            .into_iter()
            .map(|(_, l)| l.clone())
            .filter(|l| !new_externals.schemas.contains_key(l))
            .collect();
        let (mut externals, _missing) = self.linked_schemas(links).await?;
        externals.schemas.extend(
            new_externals
                .schemas
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let old = load_blocking(text, options.clone(), externals.clone()).await?;
        let Some(old) = old.document else {
            return Err(RegistryError::Internal(format!(
                "stored document {name} version {version} no longer loads"
            )));
        };
        let new = new.clone();
        let report =
            tokio::task::spawn_blocking(move || accord_asyncapi::diff(&old, &new, &externals))
                .await
                .map_err(|e| RegistryError::Internal(e.to_string()))?;
        Ok(report.changes.iter().map(change_dto).collect())
    }

    /// `DELETE /accord/v1/asyncapi/{name}/versions/{v}`; soft first, `permanent` after.
    pub async fn delete_document_version(
        &self,
        name: &str,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        let versions = self.store.document_versions(name).await?;
        if versions.is_empty() {
            return Err(RegistryError::DocumentNotFound(name.to_owned()));
        }
        let found = match selector {
            VersionSelector::Latest => versions.iter().rev().find(|v| !v.deleted),
            VersionSelector::Number(n) => versions.iter().find(|v| v.version == n),
        };
        let Some(found) = found else {
            return Err(RegistryError::DocumentVersionNotFound(
                name.to_owned(),
                selector.printed(),
            ));
        };
        match (permanent, found.deleted) {
            (false, true) => Err(RegistryError::DocumentVersionSoftDeleted(
                name.to_owned(),
                found.version,
            )),
            (true, false) => Err(RegistryError::DocumentVersionNotSoftDeleted(
                name.to_owned(),
                found.version,
            )),
            (true, true) => {
                self.store
                    .hard_delete_documents(name, &[found.version])
                    .await?;
                Ok(found.version)
            }
            (false, false) => {
                self.store
                    .soft_delete_documents(name, &[found.version])
                    .await?;
                Ok(found.version)
            }
        }
    }

    /// `DELETE /accord/v1/asyncapi/{name}`: every version; soft first, `permanent` after.
    pub async fn delete_document(
        &self,
        name: &str,
        permanent: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let versions = self.store.document_versions(name).await?;
        if versions.is_empty() {
            return Err(RegistryError::DocumentNotFound(name.to_owned()));
        }
        let live: Vec<i32> = versions
            .iter()
            .filter(|v| !v.deleted)
            .map(|v| v.version)
            .collect();
        if permanent {
            if !live.is_empty() {
                return Err(RegistryError::DocumentNotSoftDeleted(name.to_owned()));
            }
            let all: Vec<i32> = versions.iter().map(|v| v.version).collect();
            self.store.hard_delete_documents(name, &all).await?;
            Ok(all)
        } else {
            if live.is_empty() {
                return Err(RegistryError::DocumentSoftDeleted(name.to_owned()));
            }
            self.store.soft_delete_documents(name, &live).await?;
            Ok(live)
        }
    }

    /// `GET /accord/v1/subjects/{s}/usages`: the live document versions whose payloads or
    /// headers link the subject, with the channels and operations involved.
    pub async fn subject_usages(
        &self,
        raw_subject: &str,
    ) -> Result<Vec<SubjectUsage>, RegistryError> {
        let subject = QualifiedSubject::parse(raw_subject).display();
        let usages = self.store.subject_links(&subject).await?;
        Ok(usages
            .into_iter()
            .filter(|u| !u.deleted)
            .map(|u| SubjectUsage {
                document: u.name,
                version: u.version,
                subject_version: u.link.subject_version,
                message: u.link.message,
                channel: u.link.channel,
                operation: u.link.operation,
                action: u.link.action,
            })
            .collect())
    }
}

/// Loads a document on the blocking pool.
async fn load_blocking(
    text: Arc<str>,
    options: LoadOptions,
    externals: ExternalData,
) -> Result<Loaded, RegistryError> {
    tokio::task::spawn_blocking(move || accord_asyncapi::load(&text, &options, &externals))
        .await
        .map_err(|e| RegistryError::Internal(e.to_string()))
}

/// A name of `/accord/v1/asyncapi/{name}`: non-empty, printable, not a fixed route.
fn validate_name(name: &str) -> Result<(), RegistryError> {
    let bad = name.trim().is_empty()
        || name.len() > MAX_NAME_BYTES
        || name.chars().any(char::is_control)
        || RESERVED_NAMES.contains(&name);
    if bad {
        return Err(RegistryError::Unprocessable(format!(
            "invalid document name '{}': 1 to {MAX_NAME_BYTES} printable bytes, not {}",
            name.escape_default(),
            RESERVED_NAMES.join(", ")
        )));
    }
    Ok(())
}

fn content_hash(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The error for a document with error-severity findings; the message names the first ones.
fn invalid_document(diagnostics: &[Diagnostic]) -> RegistryError {
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(5)
        .map(ToString::to_string)
        .collect();
    RegistryError::InvalidDocument {
        message: format!("invalid asyncapi document: {}", errors.join("; ")),
        diagnostics: diagnostics.iter().map(diagnostic_dto).collect(),
    }
}

/// A finding as the JSON Accord answers with (also the CLI's `--format json`).
pub fn diagnostic_dto(d: &Diagnostic) -> AsyncApiDiagnostic {
    AsyncApiDiagnostic {
        rule: d.rule.to_owned(),
        severity: d.severity.as_str().to_owned(),
        message: d.message.clone(),
        pointer: d.pointer.clone(),
        line: d.line,
        column: d.column,
    }
}

/// A classified change between two document versions as the JSON Accord answers with (also the
/// CLI's `--format json`).
pub fn change_dto(c: &Change) -> AsyncApiChange {
    AsyncApiChange {
        kind: c.kind.to_owned(),
        classification: c.classification.as_str().to_owned(),
        pointer: c.pointer.clone(),
        message: c.message.clone(),
    }
}

/// One link row per (linked message, operation using it), a row per carrying channel no
/// operation covers, and a bare row for a message on no channel.
fn link_rows(document: &Document) -> Vec<DocumentLink> {
    let model = &document.model;
    let mut rows = BTreeSet::new();
    for (message, link) in document.schema_links() {
        let subject = QualifiedSubject::parse(&link.subject).display();
        let subject_version = match link.version {
            LinkVersion::Number(n) => i32::try_from(n).ok(),
            LinkVersion::Latest => None,
        };
        let row =
            |channel: Option<&str>, operation: Option<&str>, action: Option<&str>| DocumentLink {
                subject: subject.clone(),
                subject_version,
                message: message.to_owned(),
                channel: channel.map(str::to_owned),
                operation: operation.map(str::to_owned),
                action: action.map(str::to_owned),
            };
        let carrying: Vec<&str> = model
            .channels
            .iter()
            .filter(|c| c.messages.iter().any(|m| m == message))
            .map(|c| c.name.as_str())
            .collect();
        let mut covered = BTreeSet::new();
        for op in &model.operations {
            let uses = op.messages.iter().any(|m| m == message)
                || (op.messages.is_empty() && carrying.contains(&op.channel.as_str()));
            if uses {
                let action = match op.action {
                    accord_asyncapi::Action::Send => "send",
                    accord_asyncapi::Action::Receive => "receive",
                };
                rows.insert(row(Some(&op.channel), Some(&op.id), Some(action)));
                covered.insert(op.channel.as_str());
            }
        }
        for channel in carrying.iter().filter(|c| !covered.contains(*c)) {
            rows.insert(row(Some(channel), None, None));
        }
        if carrying.is_empty() && covered.is_empty() {
            rows.insert(row(None, None, None));
        }
    }
    rows.into_iter().collect()
}
