//! Storage: the `Store` trait with coarse, use-case methods, and its domain rows.
//!
//! Each backend owns its transactions and locking; callers never see `sqlx`. Database failures
//! become [`StoreError`] at this boundary, never HTTP errors. Subjects are stored as a context
//! plus an unqualified name; the registry layer qualifies them for display.
//!
//! A backend shared by several replicas (PostgreSQL) also announces, through
//! [`Store::subscribe_evictions`], the schemas that another replica hard-deleted, so that every
//! replica's cache of immutable rows stays coherent.

use std::fmt;

use accord_types::{Config, Metadata, RuleSet, SchemaReference};
use async_trait::async_trait;

pub mod asyncapi;
pub mod postgres;
pub mod sqlite;

use asyncapi::{DocumentReads, NewDocument};

/// A stored schema: immutable once written, identified by (context, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRow {
    /// Context, `.` for the default one.
    pub context: String,
    /// Id within the context.
    pub id: i32,
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub schema_type: String,
    /// Canonical (possibly normalized) text.
    pub schema: String,
    /// References as registered.
    pub references: Vec<SchemaReference>,
    /// Metadata as registered.
    pub metadata: Option<Metadata>,
    /// Rule set as registered.
    pub rule_set: Option<RuleSet>,
    /// Identity hash, hex.
    pub identity_hash: String,
}

/// One version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRow {
    /// Version number.
    pub version: i32,
    /// Schema id in the subject's context.
    pub schema_id: i32,
    /// Soft-deleted.
    pub deleted: bool,
}

/// A subject and whether any of its versions is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRow {
    /// Context.
    pub context: String,
    /// Unqualified subject name.
    pub subject: String,
    /// Some version is not soft-deleted.
    pub has_live: bool,
}

/// A subject version carrying a given schema id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Unqualified subject name (in the schema's context).
    pub subject: String,
    /// Version.
    pub version: i32,
    /// Soft-deleted.
    pub deleted: bool,
}

/// A schema that references a subject version, and whether any version carrying it is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    /// Context of the referring schema.
    pub context: String,
    /// Id of the referring schema.
    pub id: i32,
    /// Subject versions carrying the referring schema (empty if all were hard-deleted).
    pub usages: Vec<Usage>,
}

/// The parts of a subject's state that a registration decided on; the write fails with
/// [`StoreError::Conflict`] if they changed in between (optimistic concurrency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubjectState {
    /// Highest version number, soft-deleted included; 0 when none.
    pub max_version: i32,
    /// Number of live versions.
    pub live: usize,
}

impl SubjectState {
    /// The state of a subject with these versions.
    pub fn of(versions: &[VersionRow]) -> SubjectState {
        SubjectState {
            max_version: versions.iter().map(|v| v.version).max().unwrap_or(0),
            live: versions.iter().filter(|v| !v.deleted).count(),
        }
    }
}

/// A resolved reference edge, for `referencedby` and delete protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceEdge {
    /// Reference name.
    pub name: String,
    /// Context of the referenced subject.
    pub context: String,
    /// Referenced subject (unqualified).
    pub subject: String,
    /// Referenced version, resolved (never -1).
    pub version: i32,
}

/// Content of a schema to register.
#[derive(Debug, Clone)]
pub struct NewSchema {
    /// `AVRO`, `PROTOBUF` or `JSON`.
    pub schema_type: String,
    /// Canonical (possibly normalized) text.
    pub schema: String,
    /// References as registered.
    pub references: Vec<SchemaReference>,
    /// Reference edges, resolved.
    pub edges: Vec<ReferenceEdge>,
    /// Metadata.
    pub metadata: Option<Metadata>,
    /// Rule set.
    pub rule_set: Option<RuleSet>,
    /// Identity hash, hex.
    pub identity_hash: String,
}

/// A registration, decided by the registry.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// Context.
    pub context: String,
    /// Unqualified subject.
    pub subject: String,
    /// The content.
    pub schema: NewSchema,
    /// The subject state the decision was based on.
    pub expected: SubjectState,
    /// Explicit id (IMPORT mode).
    pub id: Option<i32>,
    /// Explicit version (IMPORT mode), which may overwrite an existing one; otherwise
    /// `max_version + 1`.
    pub version: Option<i32>,
}

/// What a registration produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    /// Schema id.
    pub id: i32,
    /// Version in the subject.
    pub version: i32,
    /// The content was already a live version of the subject: nothing was written.
    pub existing: bool,
}

/// Failures at the storage boundary.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The subject changed since the registration was decided; decide again.
    #[error("the subject changed concurrently")]
    Conflict,
    /// An explicit id is already taken by different content, or (without an explicit id) the
    /// same content is stored as another schema type, so that sharing its id would change its type.
    #[error("id {id} is already used by a different schema")]
    IdTaken {
        /// The id.
        id: i32,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<serde_json::Error> for StoreError {
    /// A stored JSON document that does not decode: the database holds something we did not write.
    fn from(error: serde_json::Error) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

/// Cached data that a write elsewhere (possibly in another replica) made stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eviction {
    /// These schemas were hard-deleted.
    Schemas {
        /// Their context.
        context: String,
        /// Their ids.
        ids: Vec<i32>,
    },
    /// Announcements may have been missed (for example while reconnecting): drop everything.
    All,
}

/// Which versions a subject listing or lookup considers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Live versions only.
    Exclude,
    /// Live and soft-deleted versions.
    Include,
}

/// Stored configs and modes of a few scopes, read together (one round trip per request).
#[derive(Debug, Clone, Default)]
pub struct ScopeSettings {
    /// Config per scope that has one.
    pub configs: std::collections::HashMap<String, Config>,
    /// Mode per scope that has one.
    pub modes: std::collections::HashMap<String, String>,
}

/// Decodes a `schemas` row, in either dialect.
pub(crate) fn schema_row<R: sqlx::Row>(row: &R) -> Result<SchemaRow, StoreError>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    let refs: String = row.try_get("refs")?;
    let metadata: Option<String> = row.try_get("metadata")?;
    let rule_set: Option<String> = row.try_get("rule_set")?;
    Ok(SchemaRow {
        context: row.try_get("context")?,
        id: row.try_get("id")?,
        schema_type: row.try_get("schema_type")?,
        schema: row.try_get("schema_text")?,
        references: serde_json::from_str(&refs)?,
        metadata: metadata.map(|m| serde_json::from_str(&m)).transpose()?,
        rule_set: rule_set.map(|r| serde_json::from_str(&r)).transpose()?,
        identity_hash: row.try_get("identity_hash")?,
    })
}

/// A stored config body.
pub(crate) fn parse_config(body: &str) -> Result<Config, StoreError> {
    Ok(serde_json::from_str(body)?)
}

/// Reads configs and modes of up to [`SETTINGS_SCOPES`] scopes and the versions of one subject
/// (`$5`, `$6`), in one round trip; both dialects accept it. A version row has a NULL scope.
pub(crate) const SETTINGS_SQL: &str = "SELECT scope, body, NULL AS mode, \
         CAST(NULL AS INTEGER) AS version, CAST(NULL AS INTEGER) AS schema_id, \
         CAST(NULL AS BOOLEAN) AS deleted \
     FROM configs WHERE scope IN ($1, $2, $3, $4) \
     UNION ALL SELECT scope, NULL, mode, NULL, NULL, NULL FROM modes \
     WHERE scope IN ($1, $2, $3, $4) \
     UNION ALL SELECT NULL, NULL, NULL, version, schema_id, deleted FROM subject_versions \
     WHERE context = $5 AND subject = $6";

/// How many scopes [`SETTINGS_SQL`] takes; a request never needs more (subject, context or
/// global, `:.__GLOBAL:`, and global for READONLY_OVERRIDE).
pub(crate) const SETTINGS_SCOPES: usize = 4;

impl ScopeSettings {
    /// Adds one row of [`SETTINGS_SQL`].
    pub(crate) fn add(
        &mut self,
        scope: String,
        body: Option<String>,
        mode: Option<String>,
    ) -> Result<(), StoreError> {
        if let Some(body) = body {
            let config =
                serde_json::from_str(&body).map_err(|e| StoreError::Backend(Box::new(e)))?;
            self.configs.insert(scope.clone(), config);
        }
        if let Some(mode) = mode {
            self.modes.insert(scope, mode);
        }
        Ok(())
    }

    /// The scopes padded to exactly [`SETTINGS_SCOPES`] bind values.
    pub(crate) fn binds(scopes: &[String]) -> Vec<String> {
        let mut binds: Vec<String> = scopes.iter().take(SETTINGS_SCOPES).cloned().collect();
        let pad = binds.first().cloned().unwrap_or_default();
        binds.resize(SETTINGS_SCOPES, pad);
        binds
    }
}

/// Configs and modes per scope; its SQL is the same in both dialects, so one implementation
/// is stamped into each backend by [`common_impl`].
#[async_trait]
pub trait Common: Send + Sync {
    /// The stored config of a scope.
    async fn config(&self, scope: &str) -> Result<Option<Config>, StoreError>;

    /// Stores the config of a scope.
    async fn set_config(&self, scope: &str, config: &Config) -> Result<(), StoreError>;

    /// Every scope that has a stored config.
    async fn config_scopes(&self) -> Result<Vec<String>, StoreError>;

    /// Removes the config of a scope; returns what was there.
    async fn delete_config(&self, scope: &str) -> Result<Option<Config>, StoreError>;

    /// Configs and modes of up to four scopes at once.
    async fn settings(&self, scopes: &[String]) -> Result<ScopeSettings, StoreError> {
        Ok(self.settings_and_versions(scopes, "", "").await?.0)
    }

    /// Configs and modes of up to four scopes and the versions of one subject (oldest first),
    /// in one round trip: what a registration decides on.
    async fn settings_and_versions(
        &self,
        scopes: &[String],
        context: &str,
        subject: &str,
    ) -> Result<(ScopeSettings, Vec<VersionRow>), StoreError>;

    /// The stored mode of a scope.
    async fn mode(&self, scope: &str) -> Result<Option<String>, StoreError>;

    /// Stores the mode of a scope.
    async fn set_mode(&self, scope: &str, mode: &str) -> Result<(), StoreError>;

    /// Schemas whose references point at this subject version.
    async fn referrers(
        &self,
        context: &str,
        subject: &str,
        version: i32,
    ) -> Result<Vec<Referrer>, StoreError>;
    /// Contexts that ever received a schema, sorted; the default context is not stored.
    async fn contexts(&self) -> Result<Vec<String>, StoreError>;

    /// Ids of schemas with this identity hash in a context, lowest first.
    async fn schema_ids_by_hash(&self, context: &str, hash: &str) -> Result<Vec<i32>, StoreError>;
}

/// The storage backend.
#[async_trait]
pub trait Store: Common + DocumentReads + fmt::Debug {
    /// A schema by id in a context.
    async fn schema(&self, context: &str, id: i32) -> Result<Option<SchemaRow>, StoreError>;

    /// Every version of a subject, soft-deleted included, ascending.
    async fn versions(&self, context: &str, subject: &str) -> Result<Vec<VersionRow>, StoreError>;

    /// Every subject (all contexts), sorted by context then name.
    async fn subjects(&self) -> Result<Vec<SubjectRow>, StoreError>;

    /// Subject versions carrying a schema id in its context.
    async fn usages(&self, context: &str, id: i32) -> Result<Vec<Usage>, StoreError>;

    /// Highest id allocated in a context (0 when none).
    async fn max_id(&self, context: &str) -> Result<i32, StoreError>;

    /// Writes a new version (or returns the existing identical live one) atomically.
    async fn register(&self, new: &NewVersion) -> Result<Registered, StoreError>;

    /// Marks versions soft-deleted.
    async fn soft_delete(
        &self,
        context: &str,
        subject: &str,
        versions: &[i32],
    ) -> Result<(), StoreError>;

    /// Removes versions; removes schemas no version carries any more, and the subject's
    /// config and mode when its last version goes. Returns the schema ids that disappeared.
    async fn hard_delete(
        &self,
        context: &str,
        subject: &str,
        versions: &[i32],
        config_scope: &str,
    ) -> Result<Vec<i32>, StoreError>;

    /// Removes a context that holds no versions; false if it did not exist.
    async fn delete_context(&self, context: &str) -> Result<bool, StoreError>;

    /// Removes the mode of a scope (and, with `prefix`, of every scope starting with it);
    /// returns the mode that was stored at exactly `scope`.
    async fn delete_mode(
        &self,
        scope: &str,
        prefix: Option<&str>,
    ) -> Result<Option<String>, StoreError>;

    /// Whether the database answers (readiness).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Writes the next version of a document (`max_version + 1`) with its links, atomically,
    /// if the document is still in `new.expected`'s state; otherwise [`StoreError::Conflict`].
    async fn add_document_version(&self, new: &NewDocument) -> Result<i32, StoreError>;

    /// Marks document versions soft-deleted.
    async fn soft_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError>;

    /// Removes document versions and their links; removes the document's settings when its last
    /// version goes.
    async fn hard_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError>;

    /// Evictions announced by every process sharing this database, this one included; `None`
    /// when the database is private to this process (its own evictions are then enough).
    fn subscribe_evictions(&self) -> Option<tokio::sync::broadcast::Receiver<Eviction>> {
        None
    }
}

/// Implements [`Common`] for a backend with a `pool` field (`sqlx` generic bounds over
/// `Database` would outweigh the code). The backend's module must have
/// `sqlx::Row`, `Config`, `Referrer`, `Store` and `ScopeSettings` in scope.
macro_rules! common_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl super::Common for $store {
            async fn config(&self, scope: &str) -> Result<Option<Config>, StoreError> {
                let row = sqlx::query("SELECT body FROM configs WHERE scope = $1")
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| super::parse_config(&r.try_get::<String, _>("body")?))
                    .transpose()
            }
            async fn set_config(&self, scope: &str, config: &Config) -> Result<(), StoreError> {
                let body = serde_json::to_string(config)?;
                sqlx::query(
                    "INSERT INTO configs (scope, body) VALUES ($1, $2) \
                     ON CONFLICT (scope) DO UPDATE SET body = excluded.body",
                )
                .bind(scope)
                .bind(body)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
            async fn config_scopes(&self) -> Result<Vec<String>, StoreError> {
                let rows = sqlx::query("SELECT scope FROM configs ORDER BY scope")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(r.try_get("scope")?)).collect()
            }
            async fn delete_config(&self, scope: &str) -> Result<Option<Config>, StoreError> {
                let row = sqlx::query("DELETE FROM configs WHERE scope = $1 RETURNING body")
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| super::parse_config(&r.try_get::<String, _>("body")?))
                    .transpose()
            }
            async fn settings_and_versions(
                &self,
                scopes: &[String],
                context: &str,
                subject: &str,
            ) -> Result<(ScopeSettings, Vec<VersionRow>), StoreError> {
                let mut query = sqlx::query(super::SETTINGS_SQL);
                for scope in ScopeSettings::binds(scopes) {
                    query = query.bind(scope);
                }
                let rows = query
                    .bind(context)
                    .bind(subject)
                    .fetch_all(&self.pool)
                    .await?;
                let mut settings = ScopeSettings::default();
                let mut versions = Vec::new();
                for row in rows {
                    match row.try_get::<Option<String>, _>("scope")? {
                        Some(scope) => {
                            settings.add(scope, row.try_get("body")?, row.try_get("mode")?)?
                        }
                        None => versions.push(VersionRow {
                            version: row.try_get("version")?,
                            schema_id: row.try_get("schema_id")?,
                            deleted: row.try_get("deleted")?,
                        }),
                    }
                }
                versions.sort_by_key(|v| v.version);
                Ok((settings, versions))
            }
            async fn mode(&self, scope: &str) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT mode FROM modes WHERE scope = $1")
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| Ok(r.try_get("mode")?)).transpose()
            }
            async fn set_mode(&self, scope: &str, mode: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO modes (scope, mode) VALUES ($1, $2) \
                     ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode",
                )
                .bind(scope)
                .bind(mode)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
            async fn referrers(
                &self,
                context: &str,
                subject: &str,
                version: i32,
            ) -> Result<Vec<Referrer>, StoreError> {
                let rows = sqlx::query(
                    "SELECT DISTINCT context, schema_id FROM schema_references \
                     WHERE ref_context = $1 AND ref_subject = $2 AND ref_version = $3 \
                     ORDER BY context, schema_id",
                )
                .bind(context)
                .bind(subject)
                .bind(version)
                .fetch_all(&self.pool)
                .await?;
                let mut referrers = Vec::with_capacity(rows.len());
                for row in rows {
                    let context: String = row.try_get("context")?;
                    let id: i32 = row.try_get("schema_id")?;
                    let usages = self.usages(&context, id).await?;
                    referrers.push(Referrer {
                        context,
                        id,
                        usages,
                    });
                }
                Ok(referrers)
            }

            async fn contexts(&self) -> Result<Vec<String>, StoreError> {
                let rows = sqlx::query(
                    "SELECT context FROM contexts WHERE context <> '.' ORDER BY context",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("context")?)).collect()
            }
            async fn schema_ids_by_hash(
                &self,
                context: &str,
                hash: &str,
            ) -> Result<Vec<i32>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id FROM schemas WHERE context = $1 AND identity_hash = $2 ORDER BY id",
                )
                .bind(context)
                .bind(hash)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
            }
        }

        super::asyncapi::asyncapi_reads!($store);
    };
}
pub(crate) use common_impl;
