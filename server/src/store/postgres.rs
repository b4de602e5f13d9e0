//! The PostgreSQL backend: one database shared by any number of stateless replicas.
//!
//! Locking. A registration's transaction starts, in one round trip, with `BEGIN` and two
//! transaction-scoped advisory locks: one on a hash of (context, subject), which serializes the
//! writers of a subject (the registry's optimistic `SubjectState` check then runs under it, so
//! versions stay contiguous), and one, in a separate key space, on (context, identity hash),
//! which serializes the writers of one content in any subject, so that two subjects registering
//! the same new content get one id. Hard deletes take the same content locks (sorted) before
//! dropping orphaned schemas, so a registration never attaches a version to a schema being
//! dropped. Subject first, then content, is the only lock order, which rules out deadlocks
//! between our locks. Unique constraints and the version-to-schema foreign key remain the last
//! defence: a race that slips through (SQLSTATE 23505 or 23503 on our constraints, 40P01,
//! 40001) becomes [`StoreError::Conflict`], and the registry decides again.
//!
//! Id allocation. Each context has its own sequence (`accord_ids_<md5 of the context>`),
//! created in the transaction that creates the context row. `nextval` runs only when genuinely
//! new content is inserted, and it holds no lock until commit, so no row is shared by every
//! writer (SQLite's `contexts.max_id` counter would be exactly such a hot row here, its lock held
//! through each commit's WAL flush). The cost is that a transaction that rolls back after
//! `nextval` leaves a gap; ids stay unique, ascending and never reused, which is all Confluent
//! promises. An IMPORT with an explicit id moves the sequence past that id.
//!
//! Round trips. A registration's write costs one: a single autocommit call of the
//! `accord_register` function (migration 0003), which takes the two locks, reads everything the
//! write depends on (versions, the content's id, the explicit id's content, whether the context
//! exists), checks the expected `SubjectState` and writes the context, schema, references and
//! version. With a transaction driven from here it cost four (begin and lock, read, write,
//! commit), and the database's per-statement work was most of a registration's cost.
//!
//! Notifications. A hard delete publishes `NOTIFY accord_events, '<id>:<context>'` for each
//! schema it dropped, in the same transaction (so it is delivered only on commit). A listener
//! task, started on the first [`Store::subscribe_evictions`], forwards them; each time it
//! (re)establishes its `LISTEN`, it announces [`Eviction::All`], because notifications sent
//! while it was disconnected are lost.
//!
//! Resilience. Pool acquisition times out (so requests fail with a backend error instead of
//! hanging while the database is away); connections that fail are dropped by the pool, idle ones
//! are pinged before use, and new ones are opened when the database answers again.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_types::Config;
use async_trait::async_trait;
use md5::{Digest, Md5};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection, Row};
use tokio::sync::broadcast;

use super::asyncapi::{DOCUMENT_VERSIONS_SQL, DocumentState, DocumentVersionRow, NewDocument};
use super::{
    Eviction, NewVersion, Referrer, Registered, SchemaRow, ScopeSettings, Store, StoreError,
    SubjectRow, Usage, VersionRow,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A pooled connection idle for longer than this is pinged before use.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);
/// The channel hard deletes are announced on.
const CHANNEL: &str = "accord_events";
/// How many announcements a slow subscriber may fall behind before it must drop everything.
const EVENT_BUFFER: usize = 1024;
/// Bounds of the wait between two attempts to re-establish the listener.
const LISTEN_RETRY_MIN: Duration = Duration::from_millis(200);
const LISTEN_RETRY_MAX: Duration = Duration::from_secs(5);

/// Connection pool settings, from `ServeConfig`.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Most connections this process opens for requests (the listener uses one more).
    pub max_connections: u32,
    /// How long a request waits for a connection before failing.
    pub acquire_timeout: Duration,
}

/// The PostgreSQL store.
pub struct PostgresStore {
    pool: PgPool,
    listener_pool: PgPool,
    events: broadcast::Sender<Eviction>,
    listener: Mutex<Option<tokio::task::AbortHandle>>,
}

impl fmt::Debug for PostgresStore {
    // The connect options hold the password, so they are not printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("connections", &self.pool.size())
            .field("idle", &self.pool.num_idle())
            .finish_non_exhaustive()
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(task) = self.listener.lock().ok().and_then(|mut task| task.take()) {
            task.abort();
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// MD5 of length-prefixed parts, so that ("ab", "c") and ("a", "bc") differ.
fn digest(parts: &[&str]) -> [u8; 16] {
    let mut md = Md5::new();
    for part in parts {
        md.update((part.len() as u64).to_le_bytes());
        md.update(part.as_bytes());
    }
    md.finalize().into()
}

/// The advisory lock (single bigint key space) serializing writers of one subject.
fn subject_lock(context: &str, subject: &str) -> i64 {
    let d = digest(&["subject", context, subject]);
    i64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// The advisory lock (two-int key space, disjoint from subjects') serializing writers of one
/// content in a context.
fn content_lock(context: &str, identity_hash: &str) -> (i32, i32) {
    let d = digest(&["content", context, identity_hash]);
    (
        i32::from_le_bytes([d[0], d[1], d[2], d[3]]),
        i32::from_le_bytes([d[4], d[5], d[6], d[7]]),
    )
}

/// `BEGIN` plus the advisory lock (single bigint key space, `asyncapi` prefix, so disjoint from
/// subjects' in practice) serializing the writers of one AsyncAPI document name.
fn begin_document_locked(name: &str) -> String {
    let d = digest(&["asyncapi", name]);
    let key = i64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
    format!("BEGIN; SELECT pg_advisory_xact_lock({key})")
}

/// The id sequence of a context; hex digits only, so it is safe to splice into DDL.
fn sequence_name(context: &str) -> String {
    let d = digest(&[context]);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("accord_ids_{hex}")
}

/// Turns a lost race on one of our constraints into [`StoreError::Conflict`].
fn conflict_on_race(error: StoreError) -> StoreError {
    const RACES: &[(&str, Option<&str>)] = &[
        ("23505", Some("schemas_pkey")),
        ("23505", Some("schemas_identity")),
        ("23505", Some("subject_versions_pkey")),
        ("23503", Some("subject_versions_schema")),
        ("23505", Some("asyncapi_documents_pkey")),
        ("40P01", None),
        ("40001", None),
    ];
    if let StoreError::Backend(inner) = &error {
        if let Some(sqlx::Error::Database(db)) = inner.downcast_ref::<sqlx::Error>() {
            let code = db.code();
            let lost = RACES.iter().any(|(state, constraint)| {
                code.as_deref() == Some(*state)
                    && constraint.is_none_or(|c| db.constraint() == Some(c))
            });
            if lost {
                return StoreError::Conflict;
            }
        }
    }
    error
}

impl PostgresStore {
    /// Connects to the database at `url` (a `postgres://` or `postgresql://` URL; TLS as its
    /// `sslmode` asks) and applies the migrations. Fails if the database does not answer.
    pub async fn connect(url: &str, settings: PoolSettings) -> Result<PostgresStore, StoreError> {
        let options = PgConnectOptions::from_str(url)?
            .application_name("accord")
            .disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            // sqlx pings every connection it hands out by default, a round trip per query; only
            // a connection left idle for a while may have been cut by a database restart.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_WHEN_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options.clone())
            .await?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        // The listener holds its connection for good; it gets its own pool so that it never
        // takes one from requests.
        let listener_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(options);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Ok(PostgresStore {
            pool,
            listener_pool,
            events,
            listener: Mutex::new(None),
        })
    }

    async fn add_document_in_tx(&self, new: &NewDocument) -> Result<i32, StoreError> {
        let mut tx = self
            .pool
            .begin_with(begin_document_locked(&new.name))
            .await?;
        let versions: Vec<DocumentVersionRow> = sqlx::query_as(DOCUMENT_VERSIONS_SQL)
            .bind(&new.name)
            .fetch_all(&mut *tx)
            .await?;
        if DocumentState::of(&versions) != new.expected {
            return Err(StoreError::Conflict);
        }
        let version = new.expected.max_version + 1;
        sqlx::query(
            "INSERT INTO asyncapi_documents (name, version, content, syntax, spec_version, \
             content_hash, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7)",
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
        if !new.links.is_empty() {
            // One statement for every link, through parallel arrays.
            let column = |f: fn(&super::asyncapi::DocumentLink) -> Option<String>| {
                new.links.iter().map(f).collect::<Vec<_>>()
            };
            sqlx::query(
                "INSERT INTO asyncapi_links (name, version, subject, subject_version, message, \
                 channel, operation, action) \
                 SELECT $1, $2, * FROM UNNEST($3::text[], $4::int[], $5::text[], $6::text[], \
                 $7::text[], $8::text[])",
            )
            .bind(&new.name)
            .bind(version)
            .bind(column(|l| Some(l.subject.clone())))
            .bind(
                new.links
                    .iter()
                    .map(|l| l.subject_version)
                    .collect::<Vec<_>>(),
            )
            .bind(column(|l| Some(l.message.clone())))
            .bind(column(|l| l.channel.clone()))
            .bind(column(|l| l.operation.clone()))
            .bind(column(|l| l.action.clone()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(version)
    }

    /// One call of `accord_register` (migration 0003), an autocommit statement: the locks, the
    /// reads the write depends on, the decision and the write, in one round trip.
    async fn register_once(&self, new: &NewVersion) -> Result<Registered, StoreError> {
        let content = &new.schema;
        let sequence = sequence_name(&new.context);
        let (content_high, content_low) = content_lock(&new.context, &content.identity_hash);
        let (sequence_high, sequence_low) = content_lock(&new.context, &sequence);
        let live = i32::try_from(new.expected.live)
            .map_err(|_| StoreError::Backend("too many live versions".into()))?;
        let edges = &content.edges;
        let row = sqlx::query(
            "SELECT o_status, o_id, o_version, o_existing FROM accord_register($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
             $22, $23)",
        )
        .bind(&new.context)
        .bind(&new.subject)
        .bind(subject_lock(&new.context, &new.subject))
        .bind(content_high)
        .bind(content_low)
        .bind(new.expected.max_version)
        .bind(live)
        .bind(new.id)
        .bind(new.version)
        .bind(&content.schema_type)
        .bind(&content.schema)
        .bind(&content.identity_hash)
        .bind(serde_json::to_string(&content.references)?)
        .bind(
            content
                .metadata
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .bind(
            content
                .rule_set
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        )
        .bind(now_ms())
        .bind(&sequence)
        .bind(sequence_high)
        .bind(sequence_low)
        .bind(edges.iter().map(|e| e.name.as_str()).collect::<Vec<_>>())
        .bind(edges.iter().map(|e| e.context.as_str()).collect::<Vec<_>>())
        .bind(edges.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>())
        .bind(edges.iter().map(|e| e.version).collect::<Vec<_>>())
        .fetch_one(&self.pool)
        .await?;
        let status: String = row.try_get("o_status")?;
        match status.as_str() {
            "ok" => Ok(Registered {
                id: row.try_get("o_id")?,
                version: row.try_get("o_version")?,
                existing: row.try_get("o_existing")?,
            }),
            "conflict" => Err(StoreError::Conflict),
            "id_taken" => Err(StoreError::IdTaken {
                id: row.try_get("o_id")?,
            }),
            other => Err(StoreError::Backend(
                format!("accord_register answered an unknown status {other:?}").into(),
            )),
        }
    }
}

/// `BEGIN` plus the advisory lock of a subject, as one simple query: one round trip. The key is
/// a number computed here, so splicing it in is safe.
fn begin_locked(context: &str, subject: &str) -> String {
    format!(
        "BEGIN; SELECT pg_advisory_xact_lock({})",
        subject_lock(context, subject)
    )
}

async fn versions_in(
    conn: &mut PgConnection,
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
                deleted: r.try_get("deleted")?,
            })
        })
        .collect()
}

/// The listener loop: (re)connects, announces [`Eviction::All`] once listening, then forwards
/// every notification, until the store is dropped.
async fn listen(pool: PgPool, events: broadcast::Sender<Eviction>) {
    let mut retry = LISTEN_RETRY_MIN;
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot connect the eviction listener; retrying");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(LISTEN_RETRY_MAX);
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot LISTEN for evictions; retrying");
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(LISTEN_RETRY_MAX);
            continue;
        }
        retry = LISTEN_RETRY_MIN;
        // Whatever was deleted while nobody listened may still be cached.
        let _ = events.send(Eviction::All);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => match parse_eviction(notification.payload()) {
                    Some(eviction) => {
                        let _ = events.send(eviction);
                    }
                    None => tracing::warn!(
                        payload = notification.payload(),
                        "ignoring a malformed eviction notification"
                    ),
                },
                // The connection was lost and re-established (LISTEN included) in between.
                Ok(None) => {
                    tracing::info!("eviction listener reconnected");
                    let _ = events.send(Eviction::All);
                }
                Err(error) => {
                    tracing::warn!(%error, "eviction listener lost its connection");
                    break;
                }
            }
        }
    }
}

/// Parses `<id>:<context>`.
fn parse_eviction(payload: &str) -> Option<Eviction> {
    let (id, context) = payload.split_once(':')?;
    Some(Eviction::Schemas {
        context: context.to_owned(),
        ids: vec![id.parse().ok()?],
    })
}

super::common_impl!(PostgresStore);

#[async_trait]
impl Store for PostgresStore {
    async fn schema(&self, context: &str, id: i32) -> Result<Option<SchemaRow>, StoreError> {
        let row = sqlx::query(
            "SELECT context, id, schema_type, schema_text, identity_hash, refs, metadata, \
             rule_set FROM schemas WHERE context = $1 AND id = $2",
        )
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
            "SELECT context, subject, bool_or(NOT deleted) AS has_live FROM subject_versions \
             GROUP BY context, subject ORDER BY context, subject",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SubjectRow {
                    context: r.try_get("context")?,
                    subject: r.try_get("subject")?,
                    has_live: r.try_get("has_live")?,
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
                    deleted: r.try_get("deleted")?,
                })
            })
            .collect()
    }

    async fn max_id(&self, context: &str) -> Result<i32, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(pg_sequence_last_value(to_regclass($1)), 0)::integer AS max_id",
        )
        .bind(sequence_name(context))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("max_id")?)
    }

    async fn register(&self, new: &NewVersion) -> Result<Registered, StoreError> {
        self.register_once(new).await.map_err(conflict_on_race)
    }

    async fn soft_delete(
        &self,
        context: &str,
        subject: &str,
        versions: &[i32],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with(begin_locked(context, subject)).await?;
        sqlx::query(
            "UPDATE subject_versions SET deleted = TRUE \
             WHERE context = $1 AND subject = $2 AND version = ANY($3)",
        )
        .bind(context)
        .bind(subject)
        .bind(versions)
        .execute(&mut *tx)
        .await?;
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
        let mut tx = self.pool.begin_with(begin_locked(context, subject)).await?;
        let rows = sqlx::query(
            "DELETE FROM subject_versions \
             WHERE context = $1 AND subject = $2 AND version = ANY($3) RETURNING schema_id",
        )
        .bind(context)
        .bind(subject)
        .bind(versions)
        .fetch_all(&mut *tx)
        .await?;
        let mut candidates = rows
            .iter()
            .map(|r| r.try_get::<i32, _>("schema_id"))
            .collect::<Result<Vec<_>, _>>()?;
        candidates.sort_unstable();
        candidates.dedup();
        let mut dropped = Vec::new();
        if !candidates.is_empty() {
            let hashes = sqlx::query(
                "SELECT DISTINCT identity_hash FROM schemas WHERE context = $1 AND id = ANY($2)",
            )
            .bind(context)
            .bind(&candidates)
            .fetch_all(&mut *tx)
            .await?;
            let mut locks = hashes
                .iter()
                .map(|r| Ok(content_lock(context, r.try_get("identity_hash")?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            // One global order, so that two hard deletes never wait on each other in a cycle.
            locks.sort_unstable();
            locks.dedup();
            for (high, low) in locks {
                sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                    .bind(high)
                    .bind(low)
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = sqlx::query(
                "DELETE FROM schemas s WHERE s.context = $1 AND s.id = ANY($2) AND NOT EXISTS \
                 (SELECT 1 FROM subject_versions v WHERE v.context = s.context AND v.schema_id = s.id) \
                 RETURNING s.id",
            )
            .bind(context)
            .bind(&candidates)
            .fetch_all(&mut *tx)
            .await?;
            dropped = rows
                .iter()
                .map(|r| r.try_get::<i32, _>("id"))
                .collect::<Result<Vec<_>, _>>()?;
            dropped.sort_unstable();
        }
        let remaining = sqlx::query(
            "SELECT 1 FROM subject_versions WHERE context = $1 AND subject = $2 LIMIT 1",
        )
        .bind(context)
        .bind(subject)
        .fetch_optional(&mut *tx)
        .await?;
        if remaining.is_none() {
            for table in ["configs", "modes"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE scope = $1"))
                    .bind(config_scope)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if !dropped.is_empty() {
            // Delivered to every listening replica when (and only if) this transaction commits.
            sqlx::query("SELECT pg_notify($1, id || ':' || $2) FROM UNNEST($3::integer[]) AS id")
                .bind(CHANNEL)
                .bind(context)
                .bind(&dropped)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(dropped)
    }

    async fn delete_context(&self, context: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Dropping the sequence first waits for every transaction still drawing ids from it.
        let ddl = format!("DROP SEQUENCE IF EXISTS {}", sequence_name(context));
        tx.execute(ddl.as_str()).await?;
        let holds_schemas = sqlx::query("SELECT 1 FROM schemas WHERE context = $1 LIMIT 1")
            .bind(context)
            .fetch_optional(&mut *tx)
            .await?;
        if holds_schemas.is_some() {
            // SQLite's foreign key refuses this too; the registry checks for versions first.
            return Err(StoreError::Backend(
                format!("context {context} still holds schemas").into(),
            ));
        }
        let done = sqlx::query("DELETE FROM contexts WHERE context = $1")
            .bind(context)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_mode(
        &self,
        scope: &str,
        prefix: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
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
        self.add_document_in_tx(new).await.map_err(conflict_on_race)
    }

    async fn soft_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with(begin_document_locked(name)).await?;
        sqlx::query(
            "UPDATE asyncapi_documents SET deleted = TRUE WHERE name = $1 AND version = ANY($2)",
        )
        .bind(name)
        .bind(versions)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn hard_delete_documents(&self, name: &str, versions: &[i32]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_with(begin_document_locked(name)).await?;
        // Links go by `ON DELETE CASCADE`; the settings go with the last version.
        sqlx::query("DELETE FROM asyncapi_documents WHERE name = $1 AND version = ANY($2)")
            .bind(name)
            .bind(versions)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM asyncapi_configs WHERE name = $1 \
             AND NOT EXISTS (SELECT 1 FROM asyncapi_documents WHERE name = $1)",
        )
        .bind(name)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn subscribe_evictions(&self) -> Option<broadcast::Receiver<Eviction>> {
        // Subscribe before the listener can announce anything, so its first `All` is seen.
        let receiver = self.events.subscribe();
        if let Ok(mut task) = self.listener.lock() {
            if task.is_none() {
                let handle = tokio::spawn(listen(self.listener_pool.clone(), self.events.clone()));
                *task = Some(handle.abort_handle());
            }
        }
        Some(receiver)
    }
}
