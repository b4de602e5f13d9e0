//! The SQLite backend: WAL, `synchronous=FULL`, and the write lock taken at transaction start.
//!
//! SQLite serializes writers, so every write transaction begins with `BEGIN IMMEDIATE`; reads
//! run concurrently on the other pooled connections. Unique constraints stay the last line of
//! defence behind the registry's own checks.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_types::Config;
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};

use super::asyncapi::{DOCUMENT_VERSIONS_SQL, DocumentState, DocumentVersionRow, NewDocument};
use super::{
    NewVersion, Referrer, Registered, SchemaRow, ScopeSettings, Store, StoreError, SubjectRow,
    SubjectState, Usage, VersionRow,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The embedded SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file at `path`.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        Ok(SqliteStore { pool })
    }
}

async fn versions_in(
    conn: &mut SqliteConnection,
    context: &str,
    subject: &str,
) -> Result<Vec<VersionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT version, schema_id, deleted FROM subject_versions \
         WHERE context = $1 AND subject = $2 ORDER BY version",
    )
    .bind(context)
    .bind(subject)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VersionRow {
                version: r.try_get("version")?,
                schema_id: r.try_get("schema_id")?,
                deleted: r.try_get::<i64, _>("deleted")? != 0,
            })
        })
        .collect()
}

async fn ensure_context(conn: &mut SqliteConnection, context: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO contexts (context, max_id, created_at) VALUES ($1, 0, $2) \
         ON CONFLICT (context) DO NOTHING",
    )
    .bind(context)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Finds or creates the schema row for `new`, returning its id.
async fn schema_id_for(conn: &mut SqliteConnection, new: &NewVersion) -> Result<i32, StoreError> {
    let content = &new.schema;
    if let Some(id) = new.id {
        let existing =
            sqlx::query("SELECT identity_hash FROM schemas WHERE context = $1 AND id = $2")
                .bind(&new.context)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(row) = existing {
            let hash: String = row.try_get("identity_hash")?;
            return if hash == content.identity_hash {
                Ok(id)
            } else {
                Err(StoreError::IdTaken { id })
            };
        }
        insert_schema(conn, new, id, true).await?;
        return Ok(id);
    }
    let found = sqlx::query(
        "SELECT id, schema_type FROM schemas WHERE context = $1 AND identity_hash = $2 \
         ORDER BY schema_type = $3, id LIMIT 1",
    )
    .bind(&new.context)
    .bind(&content.identity_hash)
    .bind(&content.schema_type)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = found {
        let id = row.try_get("id")?;
        let schema_type: String = row.try_get("schema_type")?;
        // The same content under another schema type would share its id.
        return if schema_type == content.schema_type {
            Ok(id)
        } else {
            Err(StoreError::IdTaken { id })
        };
    }
    let max_id: i32 = sqlx::query("SELECT max_id FROM contexts WHERE context = $1")
        .bind(&new.context)
        .fetch_one(&mut *conn)
        .await?
        .try_get("max_id")?;
    let id = max_id + 1;
    insert_schema(conn, new, id, false).await?;
    Ok(id)
}

async fn insert_schema(
    conn: &mut SqliteConnection,
    new: &NewVersion,
    id: i32,
    imported: bool,
) -> Result<(), StoreError> {
    let content = &new.schema;
    let refs = serde_json::to_string(&content.references)?;
    let metadata = content
        .metadata
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let rule_set = content
        .rule_set
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    sqlx::query(
        "INSERT INTO schemas (context, id, schema_type, schema_text, identity_hash, refs, \
         metadata, rule_set, imported, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&new.context)
    .bind(id)
    .bind(&content.schema_type)
    .bind(&content.schema)
    .bind(&content.identity_hash)
    .bind(refs)
    .bind(metadata)
    .bind(rule_set)
    .bind(imported)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    for edge in &content.edges {
        sqlx::query(
            "INSERT INTO schema_references (context, schema_id, name, ref_context, ref_subject, \
             ref_version) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&new.context)
        .bind(id)
        .bind(&edge.name)
        .bind(&edge.context)
        .bind(&edge.subject)
        .bind(edge.version)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE contexts SET max_id = MAX(max_id, $2) WHERE context = $1")
        .bind(&new.context)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes schemas of `context` that no subject version carries any more; returns their ids.
async fn drop_orphans(
    conn: &mut SqliteConnection,
    context: &str,
    candidates: &[i32],
) -> Result<Vec<i32>, StoreError> {
    let mut dropped = Vec::new();
    for &id in candidates {
        let used = sqlx::query(
            "SELECT 1 FROM subject_versions WHERE context = $1 AND schema_id = $2 LIMIT 1",
        )
        .bind(context)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if used.is_none() {
            sqlx::query("DELETE FROM schemas WHERE context = $1 AND id = $2")
                .bind(context)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            dropped.push(id);
        }
    }
    Ok(dropped)
}

super::common_impl!(SqliteStore);

#[async_trait]
impl Store for SqliteStore {
    async fn schema(&self, context: &str, id: i32) -> Result<Option<SchemaRow>, StoreError> {
        let row = sqlx::query("SELECT * FROM schemas WHERE context = $1 AND id = $2")
            .bind(context)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(super::schema_row).transpose()
    }

    async fn versions(&self, context: &str, subject: &str) -> Result<Vec<VersionRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        versions_in(&mut conn, context, subject).await
    }

    async fn subjects(&self) -> Result<Vec<SubjectRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT context, subject, MAX(deleted = 0) AS has_live FROM subject_versions \
             GROUP BY context, subject ORDER BY context, subject",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SubjectRow {
                    context: r.try_get("context")?,
                    subject: r.try_get("subject")?,
                    has_live: r.try_get::<i64, _>("has_live")? != 0,
                })
            })
            .collect()
    }

    async fn usages(&self, context: &str, id: i32) -> Result<Vec<Usage>, StoreError> {
        let rows = sqlx::query(
            "SELECT subject, version, deleted FROM subject_versions \
             WHERE context = $1 AND schema_id = $2 ORDER BY subject, version",
        )
        .bind(context)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Usage {
                    subject: r.try_get("subject")?,
                    version: r.try_get("version")?,
                    deleted: r.try_get::<i64, _>("deleted")? != 0,
                })
            })
            .collect()
    }

    async fn max_id(&self, context: &str) -> Result<i32, StoreError> {
        let row = sqlx::query("SELECT max_id FROM contexts WHERE context = $1")
            .bind(context)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get("max_id")?,
            None => 0,
        })
    }

    async fn register(&self, new: &NewVersion) -> Result<Registered, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let versions = versions_in(&mut tx, &new.context, &new.subject).await?;
        if SubjectState::of(&versions) != new.expected {
            return Err(StoreError::Conflict);
        }
        ensure_context(&mut tx, &new.context).await?;
        let id = schema_id_for(&mut tx, new).await?;
        let version = match new.version {
            Some(version) => {
                if let Some(taken) = versions.iter().find(|v| v.version == version) {
                    let existing = taken.schema_id == id && !taken.deleted;
                    if !existing {
                        // IMPORT may overwrite a version; the old schema stays readable by id.
                        sqlx::query(
                            "UPDATE subject_versions SET schema_id = $4, deleted = 0 \
                             WHERE context = $1 AND subject = $2 AND version = $3",
                        )
                        .bind(&new.context)
                        .bind(&new.subject)
                        .bind(version)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    return Ok(Registered {
                        id,
                        version,
                        existing,
                    });
                }
                version
            }
            None => {
                if let Some(live) = versions.iter().find(|v| !v.deleted && v.schema_id == id) {
                    tx.commit().await?;
                    return Ok(Registered {
                        id,
                        version: live.version,
                        existing: true,
                    });
                }
                new.expected.max_version + 1
            }
        };
        // Re-registering content identical to a soft-deleted version tombstones the old row.
        for old in versions.iter().filter(|v| v.deleted && v.schema_id == id) {
            sqlx::query(
                "DELETE FROM subject_versions WHERE context = $1 AND subject = $2 AND version = $3",
            )
            .bind(&new.context)
            .bind(&new.subject)
            .bind(old.version)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO subject_versions (context, subject, version, schema_id, deleted, \
             created_at) VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(&new.context)
        .bind(&new.subject)
        .bind(version)
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Registered {
            id,
            version,
            existing: false,
        })
    }

    async fn soft_delete(
        &self,
        context: &str,
        subject: &str,
        versions: &[i32],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for version in versions {
            sqlx::query(
                "UPDATE subject_versions SET deleted = 1 \
                 WHERE context = $1 AND subject = $2 AND version = $3",
            )
            .bind(context)
            .bind(subject)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn hard_delete(
        &self,
        context: &str,
        subject: &str,
        versions: &[i32],
        config_scope: &str,
    ) -> Result<Vec<i32>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut candidates = Vec::new();
        for version in versions {
            let row = sqlx::query(
                "DELETE FROM subject_versions WHERE context = $1 AND subject = $2 AND version = $3 \
                 RETURNING schema_id",
            )
            .bind(context)
            .bind(subject)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = row {
                candidates.push(row.try_get::<i32, _>("schema_id")?);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let dropped = drop_orphans(&mut tx, context, &candidates).await?;
        if versions_in(&mut tx, context, subject).await?.is_empty() {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE scope = $1"))
                    .bind(config_scope)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(dropped)
    }

    async fn delete_context(&self, context: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM contexts WHERE context = $1")
            .bind(context)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_mode(
        &self,
        scope: &str,
        prefix: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query("DELETE FROM modes WHERE scope = $1 RETURNING mode")
            .bind(scope)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(prefix) = prefix {
            sqlx::query("DELETE FROM modes WHERE substr(scope, 1, length($1)) = $1")
                .bind(prefix)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        row.map(|r| Ok(r.try_get("mode")?)).transpose()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn add_document_version(&self, new: &NewDocument) -> Result<i32, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let versions = document_versions_in(&mut tx, &new.name).await?;
        if DocumentState::of(&versions) != new.expected {
            return Err(StoreError::Conflict);
        }
        let version = new.expected.max_version + 1;
        sqlx::query(
            "INSERT INTO asyncapi_documents (name, version, content, syntax, spec_version, \
             content_hash, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(&new.name)
        .bind(version)
        .bind(&new.content)
        .bind(&new.syntax)
        .bind(&new.spec_version)
        .bind(&new.content_hash)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        for link in &new.links {
            sqlx::query(
                "INSERT INTO asyncapi_links (name, version, subject, subject_version, message, \
                 channel, operation, action) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&new.name)
            .bind(version)
            .bind(&link.subject)
            .bind(link.subject_version)
            .bind(&link.message)
            .bind(&link.channel)
            .bind(&link.operation)
            .bind(&link.action)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    async fn soft_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for version in versions {
            sqlx::query(
                "UPDATE asyncapi_documents SET deleted = 1 WHERE name = $1 AND version = $2",
            )
            .bind(name)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn hard_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for version in versions {
            // Links go by `ON DELETE CASCADE`.
            sqlx::query("DELETE FROM asyncapi_documents WHERE name = $1 AND version = $2")
                .bind(name)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        }
        if document_versions_in(&mut tx, name).await?.is_empty() {
            sqlx::query("DELETE FROM asyncapi_configs WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn document_versions_in(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Vec<DocumentVersionRow>, StoreError> {
    Ok(sqlx::query_as(DOCUMENT_VERSIONS_SQL)
        .bind(name)
        .fetch_all(&mut *conn)
        .await?)
}
