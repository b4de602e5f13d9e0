//! Storage rows of AsyncAPI documents, and the reads whose SQL both dialects share.
//!
//! A document name holds versions like a subject does; each version keeps the text as posted and
//! the links its payloads declare to subject versions, so that `usages` is one indexed query.
//! Writes (new versions, deletes) take each backend's own lock and live in `sqlite.rs` and
//! `postgres.rs`; the reads here are stamped into both by [`asyncapi_reads`].

/// A document name and whether any of its versions is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentName {
    /// The name.
    pub name: String,
    /// Some version is not soft-deleted.
    pub has_live: bool,
}

/// One version of a document, without its text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentVersionRow {
    /// Version number, from 1.
    pub version: i32,
    /// MD5 of the content, hex.
    pub content_hash: String,
    /// Soft-deleted.
    pub deleted: bool,
}

/// One stored version of a document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    /// The document name.
    pub name: String,
    /// Version number.
    pub version: i32,
    /// The text as posted.
    pub content: String,
    /// `yaml` or `json`.
    pub syntax: String,
    /// The declared AsyncAPI version.
    pub spec_version: String,
    /// MD5 of the content, hex.
    pub content_hash: String,
    /// Soft-deleted.
    pub deleted: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// A link from a message of a document version to a subject version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct DocumentLink {
    /// The subject as the registry displays it.
    pub subject: String,
    /// The linked version; `None` for `latest`.
    pub subject_version: Option<i32>,
    /// The message id within the document.
    pub message: String,
    /// The channel carrying the message, if any.
    pub channel: Option<String>,
    /// The operation sending or receiving it, if any.
    pub operation: Option<String>,
    /// `send` or `receive`, with `operation`.
    pub action: Option<String>,
}

/// A document version linking a subject.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkUsage {
    /// The document name.
    pub name: String,
    /// The document version.
    pub version: i32,
    /// Whether that version is soft-deleted.
    pub deleted: bool,
    /// The link.
    #[sqlx(flatten)]
    pub link: DocumentLink,
}

/// The parts of a document's state a new version was decided on; the write fails with
/// [`super::StoreError::Conflict`] if they changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DocumentState {
    /// Highest version number, soft-deleted included; 0 when none.
    pub max_version: i32,
    /// The latest live version, which the new one was diffed against.
    pub latest_live: Option<i32>,
}

impl DocumentState {
    /// The state of a document with these versions.
    pub fn of(versions: &[DocumentVersionRow]) -> DocumentState {
        DocumentState {
            max_version: versions.iter().map(|v| v.version).max().unwrap_or(0),
            latest_live: versions
                .iter()
                .filter(|v| !v.deleted)
                .map(|v| v.version)
                .max(),
        }
    }
}

/// A new document version, decided by the registry.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The document name.
    pub name: String,
    /// The text as posted.
    pub content: String,
    /// `yaml` or `json`.
    pub syntax: String,
    /// The declared AsyncAPI version.
    pub spec_version: String,
    /// MD5 of the content, hex.
    pub content_hash: String,
    /// The links its payloads declare.
    pub links: Vec<DocumentLink>,
    /// The state the decision was based on.
    pub expected: DocumentState,
}

/// Every version of a document (`$1`), ascending, as [`DocumentVersionRow`]s.
pub(crate) const DOCUMENT_VERSIONS_SQL: &str = "SELECT version, content_hash, deleted \
     FROM asyncapi_documents WHERE name = $1 ORDER BY version";

/// Reads of AsyncAPI documents; their SQL is the same in both dialects (SQLite decodes its 0/1
/// flags as `bool`), so one implementation is stamped into each backend by [`asyncapi_reads`],
/// which [`super::common_impl`] invokes.
#[async_trait::async_trait]
pub trait DocumentReads: Send + Sync {
    /// Every document name, sorted.
    async fn document_names(&self) -> Result<Vec<DocumentName>, super::StoreError>;

    /// Every version of a document, soft-deleted included, ascending.
    async fn document_versions(
        &self,
        name: &str,
    ) -> Result<Vec<DocumentVersionRow>, super::StoreError>;

    /// One version of a document, soft-deleted or not.
    async fn document(
        &self,
        name: &str,
        version: i32,
    ) -> Result<Option<DocumentRow>, super::StoreError>;

    /// The links a document version declares, sorted.
    async fn document_links(
        &self,
        name: &str,
        version: i32,
    ) -> Result<Vec<DocumentLink>, super::StoreError>;

    /// Every document version (soft-deleted included) linking a subject, by name then version.
    async fn subject_links(&self, subject: &str) -> Result<Vec<LinkUsage>, super::StoreError>;

    /// The stored settings body of a document.
    async fn document_config(&self, name: &str) -> Result<Option<String>, super::StoreError>;

    /// Stores the settings body of a document.
    async fn set_document_config(&self, name: &str, body: &str) -> Result<(), super::StoreError>;

    /// Removes the settings of a document; whether there were any.
    async fn delete_document_config(&self, name: &str) -> Result<bool, super::StoreError>;
}

/// Implements [`DocumentReads`] for a backend with a `pool` field; the backend's module must
/// have `sqlx::Row` and `StoreError` in scope.
macro_rules! asyncapi_reads {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl super::asyncapi::DocumentReads for $store {
            async fn document_names(
                &self,
            ) -> Result<Vec<super::asyncapi::DocumentName>, StoreError> {
                let rows = sqlx::query(
                    "SELECT name, CAST(MAX(CASE WHEN deleted THEN 0 ELSE 1 END) AS INTEGER) AS live \
                     FROM asyncapi_documents GROUP BY name ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(super::asyncapi::DocumentName {
                            name: r.try_get("name")?,
                            has_live: r.try_get::<i32, _>("live")? != 0,
                        })
                    })
                    .collect()
            }

            async fn document_versions(
                &self,
                name: &str,
            ) -> Result<Vec<super::asyncapi::DocumentVersionRow>, StoreError> {
                Ok(sqlx::query_as(super::asyncapi::DOCUMENT_VERSIONS_SQL)
                .bind(name)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn document(
                &self,
                name: &str,
                version: i32,
            ) -> Result<Option<super::asyncapi::DocumentRow>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT name, version, content, syntax, spec_version, content_hash, deleted, \
                     created_at FROM asyncapi_documents WHERE name = $1 AND version = $2",
                )
                .bind(name)
                .bind(version)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn document_links(
                &self,
                name: &str,
                version: i32,
            ) -> Result<Vec<super::asyncapi::DocumentLink>, StoreError> {
                let mut links: Vec<super::asyncapi::DocumentLink> = sqlx::query_as(
                    "SELECT subject, subject_version, message, channel, operation, action \
                     FROM asyncapi_links WHERE name = $1 AND version = $2",
                )
                .bind(name)
                .bind(version)
                .fetch_all(&self.pool)
                .await?;
                // Sorted here, not by SQL: the dialects order NULLs and text differently.
                links.sort();
                Ok(links)
            }

            async fn subject_links(
                &self,
                subject: &str,
            ) -> Result<Vec<super::asyncapi::LinkUsage>, StoreError> {
                let rows = sqlx::query(
                    "SELECT d.name AS name, d.version AS version, d.deleted AS deleted, \
                     l.subject AS subject, l.subject_version AS subject_version, \
                     l.message AS message, l.channel AS channel, l.operation AS operation, \
                     l.action AS action \
                     FROM asyncapi_links l JOIN asyncapi_documents d \
                     ON d.name = l.name AND d.version = l.version WHERE l.subject = $1",
                )
                .bind(subject)
                .fetch_all(&self.pool)
                .await?;
                let mut usages: Vec<super::asyncapi::LinkUsage> = rows
                    .iter()
                    .map(sqlx::FromRow::from_row)
                    .collect::<Result<_, _>>()?;
                usages.sort_by(|a, b| (&a.name, a.version, &a.link).cmp(&(&b.name, b.version, &b.link)));
                Ok(usages)
            }

            async fn document_config(&self, name: &str) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT body FROM asyncapi_configs WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| Ok(r.try_get("body")?)).transpose()
            }

            async fn set_document_config(&self, name: &str, body: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO asyncapi_configs (name, body) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET body = excluded.body",
                )
                .bind(name)
                .bind(body)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn delete_document_config(&self, name: &str) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM asyncapi_configs WHERE name = $1")
                    .bind(name)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}
pub(crate) use asyncapi_reads;
