//! The `Store` contract suite (STYLE rule 16): every case is written once against `&dyn Store` and runs on a temporary
//! SQLite file and on a fresh PostgreSQL database (`store_contract::sqlite::*`, `store_contract::postgres::*`).
//!
//! The PostgreSQL cases fail, rather than skip, when PostgreSQL does not answer. Cases that need several handles on
//! the same data (concurrent writers, eviction announcements) take the `Backing` and open as many as they need.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use accord_server::store::asyncapi::{DocumentLink, DocumentState, NewDocument};
use accord_server::store::postgres::{PoolSettings, PostgresStore};
use accord_server::store::sqlite::SqliteStore;
use accord_server::store::{
    Eviction, NewSchema, NewVersion, ReferenceEdge, Referrer, Registered, Store, StoreError,
    SubjectState, Usage,
};
use accord_tests::TestDatabase;
use accord_types::{Config, SchemaReference};
use tempfile::TempDir;

use crate::Backend;

/// How long a case waits for an announcement from another handle.
const ANNOUNCE_TIMEOUT: Duration = Duration::from_secs(15);

/// Stamps each case once per backend: `store:` cases get one fresh store, `backing:` cases the data's location.
macro_rules! contract_suite {
    (store: $($case:ident),+ ; backing: $($multi:ident),+ $(,)?) => {
        contract_suite!(@backend sqlite, Sqlite, [$($case),+], [$($multi),+]);
        contract_suite!(@backend postgres, Postgres, [$($case),+], [$($multi),+]);
    };
    (@backend $module:ident, $backend:ident, [$($case:ident),+], [$($multi:ident),+]) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let backing = super::Backing::new($crate::Backend::$backend);
                    let store = backing.open().await;
                    super::$case(store.as_ref()).await;
                }
            )+
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $multi() {
                    let backing = super::Backing::new($crate::Backend::$backend);
                    super::$multi(&backing).await;
                }
            )+
        }
    };
}

contract_suite! {
    store:
        ids_start_at_one_and_versions_are_contiguous,
        identical_content_gets_one_id_across_subjects,
        re_registering_live_content_answers_the_existing_version,
        a_stale_subject_state_is_a_conflict_and_writes_nothing,
        soft_delete_hides_and_re_registering_tombstones_the_old_version,
        hard_delete_drops_orphaned_schemas_and_the_subjects_settings,
        explicit_ids_are_kept_and_allocation_moves_past_them,
        import_may_overwrite_a_version,
        references_are_listed_by_their_target,
        subjects_and_contexts_sort_bytewise_and_contexts_count_ids_apart,
        configs_and_modes_round_trip,
        settings_and_versions_come_in_one_read,
        an_empty_context_can_be_deleted,
        ping_answers,
        documents_keep_versions_links_and_settings;
    backing:
        concurrent_handles_get_one_id_per_content_and_contiguous_versions,
        hard_deletes_are_announced_to_every_handle_of_a_shared_database,
        concurrent_document_writers_get_contiguous_versions,
}

/// Where a case's data lives; it can open any number of store handles on it.
#[derive(Debug)]
struct Backing {
    backend: Backend,
    target: Target,
    // Kept for their `Drop`: the temporary directory and the test database go with the backing.
    _dir: Option<TempDir>,
    _database: Option<TestDatabase>,
}

#[derive(Debug)]
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backing {
    fn new(backend: Backend) -> Backing {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                Backing {
                    backend,
                    target: Target::Sqlite(dir.path().join("accord.db")),
                    _dir: Some(dir),
                    _database: None,
                }
            }
            Backend::Postgres => {
                let database = TestDatabase::create();
                Backing {
                    backend,
                    target: Target::Postgres(database.url().to_string()),
                    _dir: None,
                    _database: Some(database),
                }
            }
        }
    }

    /// `n` handles with their own pools on the same database, as `n` replicas would have.
    async fn open_replicas(&self, n: usize) -> Vec<Arc<dyn Store>> {
        let mut handles = Vec::with_capacity(n);
        for _ in 0..n {
            handles.push(self.open().await);
        }
        handles
    }

    /// A new handle (its own connection pool) on the data, migrated.
    async fn open(&self) -> Arc<dyn Store> {
        match &self.target {
            Target::Sqlite(path) => Arc::new(
                SqliteStore::open(path)
                    .await
                    .unwrap_or_else(|err| panic!("open SQLite at {}: {err}", path.display())),
            ),
            Target::Postgres(url) => {
                let settings = PoolSettings {
                    max_connections: 4,
                    acquire_timeout: Duration::from_secs(10),
                };
                Arc::new(
                    PostgresStore::connect(url, settings)
                        .await
                        .unwrap_or_else(|err| panic!("connect to PostgreSQL at {url}: {err}")),
                )
            }
        }
    }
}

const DEFAULT: &str = ".";

/// Content whose identity hash is derived from its text, as distinct texts have distinct hashes.
fn content(text: &str) -> NewSchema {
    NewSchema {
        schema_type: "AVRO".to_string(),
        schema: text.to_string(),
        references: Vec::new(),
        edges: Vec::new(),
        metadata: None,
        rule_set: None,
        identity_hash: format!("hash:{text}"),
    }
}

fn new_version(
    context: &str,
    subject: &str,
    schema: NewSchema,
    expected: SubjectState,
) -> NewVersion {
    NewVersion {
        context: context.to_string(),
        subject: subject.to_string(),
        schema,
        expected,
        id: None,
        version: None,
    }
}

async fn state(store: &dyn Store, context: &str, subject: &str) -> SubjectState {
    SubjectState::of(&store.versions(context, subject).await.expect("versions"))
}

/// Registers `new` against the subject's current state, deciding again on a conflict (as the registry does).
async fn register_new(store: &dyn Store, mut new: NewVersion) -> Result<Registered, StoreError> {
    for _ in 0..1000 {
        new.expected = state(store, &new.context, &new.subject).await;
        match store.register(&new).await {
            Err(StoreError::Conflict) => tokio::task::yield_now().await,
            other => return other,
        }
    }
    panic!(
        "{}/{}: still conflicting after 1000 attempts",
        new.context, new.subject
    )
}

/// Registers the content `text` in `subject` of `context`.
async fn register(store: &dyn Store, context: &str, subject: &str, text: &str) -> Registered {
    let new = new_version(context, subject, content(text), SubjectState::default());
    register_new(store, new)
        .await
        .unwrap_or_else(|err| panic!("register {text} in {context}/{subject}: {err}"))
}

/// Registers `text` in IMPORT style: with an explicit id and, optionally, an explicit version.
async fn import(
    store: &dyn Store,
    subject: &str,
    text: &str,
    id: i32,
    version: Option<i32>,
) -> Result<Registered, StoreError> {
    let mut new = new_version(DEFAULT, subject, content(text), SubjectState::default());
    new.id = Some(id);
    new.version = version;
    register_new(store, new).await
}

/// (version, schema id, deleted) of every version of a subject.
async fn versions(store: &dyn Store, context: &str, subject: &str) -> Vec<(i32, i32, bool)> {
    store
        .versions(context, subject)
        .await
        .expect("versions")
        .iter()
        .map(|v| (v.version, v.schema_id, v.deleted))
        .collect()
}

async fn ids_start_at_one_and_versions_are_contiguous(store: &dyn Store) {
    let a = register(store, DEFAULT, "s", "A").await;
    let b = register(store, DEFAULT, "s", "B").await;
    let c = register(store, DEFAULT, "s", "C").await;
    assert_eq!((a.id, a.version, a.existing), (1, 1, false));
    assert_eq!((b.id, b.version, b.existing), (2, 2, false));
    assert_eq!((c.id, c.version, c.existing), (3, 3, false));
    assert_eq!(
        versions(store, DEFAULT, "s").await,
        [(1, 1, false), (2, 2, false), (3, 3, false)]
    );
    assert_eq!(store.max_id(DEFAULT).await.expect("max_id"), 3);

    let row = store
        .schema(DEFAULT, 2)
        .await
        .expect("schema")
        .expect("schema 2 exists");
    assert_eq!(row.context, DEFAULT);
    assert_eq!(row.id, 2);
    assert_eq!(row.schema, "B");
    assert_eq!(row.schema_type, "AVRO");
    assert_eq!(row.identity_hash, "hash:B");
    assert!(row.references.is_empty() && row.metadata.is_none() && row.rule_set.is_none());
    assert_eq!(store.schema(DEFAULT, 99).await.expect("schema"), None);
    assert!(
        store
            .versions(DEFAULT, "missing")
            .await
            .expect("versions")
            .is_empty()
    );
}

async fn identical_content_gets_one_id_across_subjects(store: &dyn Store) {
    let first = register(store, DEFAULT, "s1", "A").await;
    let second = register(store, DEFAULT, "s2", "A").await;
    let other = register(store, DEFAULT, "s2", "B").await;
    assert_eq!(first.id, second.id, "one id for one content");
    assert_eq!((second.version, second.existing), (1, false));
    assert_ne!(other.id, first.id);
    assert_eq!(
        store
            .schema_ids_by_hash(DEFAULT, "hash:A")
            .await
            .expect("by hash"),
        [first.id]
    );
    assert_eq!(
        store.usages(DEFAULT, first.id).await.expect("usages"),
        [
            Usage {
                subject: "s1".into(),
                version: 1,
                deleted: false
            },
            Usage {
                subject: "s2".into(),
                version: 1,
                deleted: false
            },
        ]
    );
}

async fn re_registering_live_content_answers_the_existing_version(store: &dyn Store) {
    let a = register(store, DEFAULT, "s", "A").await;
    register(store, DEFAULT, "s", "B").await;
    let again = register(store, DEFAULT, "s", "A").await;
    assert_eq!(
        again,
        Registered {
            id: a.id,
            version: 1,
            existing: true
        }
    );
    assert_eq!(
        versions(store, DEFAULT, "s").await.len(),
        2,
        "nothing was written"
    );
}

async fn a_stale_subject_state_is_a_conflict_and_writes_nothing(store: &dyn Store) {
    register(store, DEFAULT, "s", "A").await;
    let stale = new_version(DEFAULT, "s", content("B"), SubjectState::default());
    let result = store.register(&stale).await;
    assert!(
        matches!(result, Err(StoreError::Conflict)),
        "expected a conflict, got {result:?}"
    );
    assert_eq!(versions(store, DEFAULT, "s").await.len(), 1);
    assert!(
        store
            .schema_ids_by_hash(DEFAULT, "hash:B")
            .await
            .expect("by hash")
            .is_empty()
    );
}

async fn soft_delete_hides_and_re_registering_tombstones_the_old_version(store: &dyn Store) {
    let a = register(store, DEFAULT, "s", "A").await;
    let b = register(store, DEFAULT, "s", "B").await;
    store
        .soft_delete(DEFAULT, "s", &[1])
        .await
        .expect("soft delete");
    assert_eq!(
        versions(store, DEFAULT, "s").await,
        [(1, a.id, true), (2, b.id, false)]
    );
    assert_eq!(
        state(store, DEFAULT, "s").await,
        SubjectState {
            max_version: 2,
            live: 1
        }
    );

    let again = register(store, DEFAULT, "s", "A").await;
    assert_eq!(
        again,
        Registered {
            id: a.id,
            version: 3,
            existing: false
        }
    );
    assert_eq!(
        versions(store, DEFAULT, "s").await,
        [(2, b.id, false), (3, a.id, false)],
        "the soft-deleted version 1 of the same content is gone"
    );
    let subjects = store.subjects().await.expect("subjects");
    assert!(subjects.iter().any(|s| s.subject == "s" && s.has_live));

    store
        .soft_delete(DEFAULT, "s", &[2, 3])
        .await
        .expect("soft delete");
    let subjects = store.subjects().await.expect("subjects");
    assert!(subjects.iter().any(|s| s.subject == "s" && !s.has_live));
    assert!(
        store.schema(DEFAULT, a.id).await.expect("schema").is_some(),
        "soft-deleted schemas stay readable by id"
    );
}

async fn hard_delete_drops_orphaned_schemas_and_the_subjects_settings(store: &dyn Store) {
    let shared = register(store, DEFAULT, "s1", "A").await;
    register(store, DEFAULT, "s2", "A").await;
    let own = register(store, DEFAULT, "s1", "B").await;
    let config = Config {
        compatibility_level: Some("FULL".into()),
        ..Config::default()
    };
    store.set_config("s1", &config).await.expect("set config");
    store.set_mode("s1", "READONLY").await.expect("set mode");

    store
        .soft_delete(DEFAULT, "s1", &[1, 2])
        .await
        .expect("soft delete");
    let dropped = store
        .hard_delete(DEFAULT, "s1", &[1, 2], "s1")
        .await
        .expect("hard delete");
    assert_eq!(
        dropped,
        [own.id],
        "only the schema no version carries any more goes"
    );
    assert_eq!(store.schema(DEFAULT, own.id).await.expect("schema"), None);
    assert!(
        store
            .schema(DEFAULT, shared.id)
            .await
            .expect("schema")
            .is_some()
    );
    assert!(versions(store, DEFAULT, "s1").await.is_empty());
    assert_eq!(store.config("s1").await.expect("config"), None);
    assert_eq!(store.mode("s1").await.expect("mode"), None);
    assert!(
        store
            .subjects()
            .await
            .expect("subjects")
            .iter()
            .all(|s| s.subject != "s1")
    );

    // A partial hard delete keeps the subject's settings.
    register(store, DEFAULT, "s3", "A").await;
    let c = register(store, DEFAULT, "s3", "C").await;
    store.set_config("s3", &config).await.expect("set config");
    store
        .soft_delete(DEFAULT, "s3", &[2])
        .await
        .expect("soft delete");
    let dropped = store
        .hard_delete(DEFAULT, "s3", &[2], "s3")
        .await
        .expect("hard delete");
    assert_eq!(dropped, [c.id]);
    assert_eq!(
        versions(store, DEFAULT, "s3").await,
        [(1, shared.id, false)]
    );
    assert_eq!(store.config("s3").await.expect("config"), Some(config));
}

async fn explicit_ids_are_kept_and_allocation_moves_past_them(store: &dyn Store) {
    let imported = import(store, "s1", "A", 100, None).await.expect("import");
    assert_eq!((imported.id, imported.version), (100, 1));
    assert_eq!(store.max_id(DEFAULT).await.expect("max_id"), 100);
    let next = register(store, DEFAULT, "s1", "B").await;
    assert_eq!(next.id, 101, "ids allocated after an import come after it");

    let taken = import(store, "s2", "C", 100, None).await;
    assert!(
        matches!(taken, Err(StoreError::IdTaken { id: 100 })),
        "an id held by other content is refused, got {taken:?}"
    );
    let same = import(store, "s2", "A", 100, None)
        .await
        .expect("same content, same id");
    assert_eq!((same.id, same.version), (100, 1));

    // IMPORT may give identical content a second id; a plain registration reuses the lowest.
    let second = import(store, "s3", "A", 200, None)
        .await
        .expect("second id");
    assert_eq!(second.id, 200);
    assert_eq!(
        store
            .schema_ids_by_hash(DEFAULT, "hash:A")
            .await
            .expect("by hash"),
        [100, 200]
    );
    let plain = register(store, DEFAULT, "s4", "A").await;
    assert_eq!(plain.id, 100);
    let fresh = register(store, DEFAULT, "s4", "D").await;
    assert!(
        fresh.id > 200,
        "new content gets an id above every imported one, got {}",
        fresh.id
    );
}

async fn import_may_overwrite_a_version(store: &dyn Store) {
    let first = import(store, "s", "A", 10, Some(1))
        .await
        .expect("import v1");
    assert_eq!(
        first,
        Registered {
            id: 10,
            version: 1,
            existing: false
        }
    );
    let over = import(store, "s", "B", 11, Some(1))
        .await
        .expect("overwrite v1");
    assert_eq!(
        over,
        Registered {
            id: 11,
            version: 1,
            existing: false
        }
    );
    assert_eq!(versions(store, DEFAULT, "s").await, [(1, 11, false)]);
    let repeat = import(store, "s", "B", 11, Some(1)).await.expect("repeat");
    assert_eq!(
        repeat,
        Registered {
            id: 11,
            version: 1,
            existing: true
        }
    );
    let later = import(store, "s", "C", 12, Some(5))
        .await
        .expect("import v5");
    assert_eq!((later.id, later.version), (12, 5));
    assert_eq!(
        versions(store, DEFAULT, "s").await,
        [(1, 11, false), (5, 12, false)]
    );
    assert!(
        store.schema(DEFAULT, 10).await.expect("schema").is_some(),
        "the overwritten version's schema stays readable by id"
    );
}

async fn references_are_listed_by_their_target(store: &dyn Store) {
    register(store, DEFAULT, "base", "Base").await;
    let reference = SchemaReference {
        name: "base.avsc".into(),
        subject: "base".into(),
        version: 1,
    };
    let mut user = content("User");
    user.references = vec![reference.clone()];
    user.edges = vec![ReferenceEdge {
        name: "base.avsc".into(),
        context: DEFAULT.into(),
        subject: "base".into(),
        version: 1,
    }];
    let registered = register_new(
        store,
        new_version(DEFAULT, "user", user, SubjectState::default()),
    )
    .await
    .expect("register with a reference");
    let row = store
        .schema(DEFAULT, registered.id)
        .await
        .expect("schema")
        .expect("exists");
    assert_eq!(row.references, [reference]);
    assert_eq!(
        store
            .referrers(DEFAULT, "base", 1)
            .await
            .expect("referrers"),
        [Referrer {
            context: DEFAULT.into(),
            id: registered.id,
            usages: vec![Usage {
                subject: "user".into(),
                version: 1,
                deleted: false
            }],
        }]
    );
    assert!(
        store
            .referrers(DEFAULT, "base", 2)
            .await
            .expect("referrers")
            .is_empty()
    );

    // Dropping the referring schema drops its edges.
    store
        .soft_delete(DEFAULT, "user", &[1])
        .await
        .expect("soft delete");
    store
        .hard_delete(DEFAULT, "user", &[1], "user")
        .await
        .expect("hard delete");
    assert!(
        store
            .referrers(DEFAULT, "base", 1)
            .await
            .expect("referrers")
            .is_empty()
    );
}

async fn subjects_and_contexts_sort_bytewise_and_contexts_count_ids_apart(store: &dyn Store) {
    for subject in ["b", "B", "a-1", "a", "Z"] {
        register(store, DEFAULT, subject, subject).await;
    }
    let in_two = register(store, ".ctx2", "x", "X").await;
    let in_one = register(store, ".ctx1", "x", "X").await;
    assert_eq!(in_two.id, 1, "each context counts its ids from 1");
    assert_eq!(in_one.id, 1);
    register(store, ".ctx1", "y", "Y").await;
    let listed: Vec<(String, String)> = store
        .subjects()
        .await
        .expect("subjects")
        .into_iter()
        .map(|s| (s.context, s.subject))
        .collect();
    let expected: Vec<(String, String)> = [
        (".", "B"),
        (".", "Z"),
        (".", "a"),
        (".", "a-1"),
        (".", "b"),
        (".ctx1", "x"),
        (".ctx1", "y"),
        (".ctx2", "x"),
    ]
    .iter()
    .map(|(c, s)| (c.to_string(), s.to_string()))
    .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        store.contexts().await.expect("contexts"),
        [".ctx1", ".ctx2"]
    );
    assert_eq!(store.max_id(".ctx1").await.expect("max_id"), 2);
    assert_eq!(store.max_id(".never").await.expect("max_id"), 0);
}

async fn configs_and_modes_round_trip(store: &dyn Store) {
    let full = Config {
        compatibility_level: Some("FULL".into()),
        ..Config::default()
    };
    let none = Config {
        compatibility_level: Some("NONE".into()),
        ..Config::default()
    };
    assert_eq!(store.config("").await.expect("config"), None);
    store.set_config("", &full).await.expect("set");
    store.set_config("", &none).await.expect("overwrite");
    store.set_config("s", &full).await.expect("set");
    assert_eq!(store.config("").await.expect("config"), Some(none.clone()));
    assert_eq!(store.config_scopes().await.expect("scopes"), ["", "s"]);
    assert_eq!(store.delete_config("s").await.expect("delete"), Some(full));
    assert_eq!(store.delete_config("s").await.expect("delete"), None);
    assert_eq!(store.config_scopes().await.expect("scopes"), [""]);

    for (scope, mode) in [
        (":.ctx:", "READONLY"),
        (":.ctx:a", "IMPORT"),
        (":.ctx:b", "READWRITE"),
        ("other", "READONLY"),
    ] {
        store.set_mode(scope, mode).await.expect("set mode");
    }
    store
        .set_mode("other", "IMPORT")
        .await
        .expect("overwrite mode");
    assert_eq!(
        store.mode("other").await.expect("mode").as_deref(),
        Some("IMPORT")
    );
    let previous = store
        .delete_mode(":.ctx:", Some(":.ctx:"))
        .await
        .expect("delete with prefix");
    assert_eq!(previous.as_deref(), Some("READONLY"));
    assert_eq!(store.mode(":.ctx:a").await.expect("mode"), None);
    assert_eq!(store.mode(":.ctx:b").await.expect("mode"), None);
    assert_eq!(
        store.mode("other").await.expect("mode").as_deref(),
        Some("IMPORT")
    );
    assert_eq!(
        store
            .delete_mode("other", None)
            .await
            .expect("delete")
            .as_deref(),
        Some("IMPORT")
    );
    assert_eq!(
        store.delete_mode("other", None).await.expect("delete"),
        None
    );
}

async fn settings_and_versions_come_in_one_read(store: &dyn Store) {
    let full = Config {
        compatibility_level: Some("FULL".into()),
        ..Config::default()
    };
    store.set_config("s", &full).await.expect("set config");
    store.set_mode("", "READONLY").await.expect("set mode");
    register(store, DEFAULT, "s", "a").await;
    register(store, DEFAULT, "s", "b").await;
    register(store, DEFAULT, "t", "c").await;
    store
        .soft_delete(DEFAULT, "s", &[1])
        .await
        .expect("soft delete");
    let scopes = ["s".to_owned(), String::new(), "absent".to_owned()];
    let (settings, read) = store
        .settings_and_versions(&scopes, DEFAULT, "s")
        .await
        .expect("settings and versions");
    assert_eq!(settings.configs.get("s"), Some(&full));
    assert_eq!(settings.configs.len(), 1, "{:?}", settings.configs);
    assert_eq!(settings.modes.get("").map(String::as_str), Some("READONLY"));
    assert_eq!(settings.modes.len(), 1, "{:?}", settings.modes);
    let read: Vec<_> = read.iter().map(|v| (v.version, v.deleted)).collect();
    assert_eq!(read, [(1, true), (2, false)]);
    // A subject without versions, and the settings alone.
    let (_, none) = store
        .settings_and_versions(&scopes, DEFAULT, "absent")
        .await
        .expect("settings without versions");
    assert!(none.is_empty(), "{none:?}");
    let settings = store.settings(&scopes).await.expect("settings");
    assert_eq!(settings.configs.get("s"), Some(&full));
}

async fn an_empty_context_can_be_deleted(store: &dyn Store) {
    register(store, ".gone", "s", "A").await;
    store
        .soft_delete(".gone", "s", &[1])
        .await
        .expect("soft delete");
    store
        .hard_delete(".gone", "s", &[1], ":.gone:s")
        .await
        .expect("hard delete");
    assert_eq!(store.contexts().await.expect("contexts"), [".gone"]);
    assert!(store.delete_context(".gone").await.expect("delete context"));
    assert!(store.contexts().await.expect("contexts").is_empty());
    assert!(!store.delete_context(".gone").await.expect("delete again"));
}

async fn ping_answers(store: &dyn Store) {
    store.ping().await.expect("ping");
}

/// Four handles (four pools, as four replicas would have) and eight writers register ten contents into four subjects,
/// each writer in its own order.
async fn concurrent_handles_get_one_id_per_content_and_contiguous_versions(backing: &Backing) {
    const WRITERS: usize = 8;
    const CONTENTS: usize = 10;
    const SUBJECTS: usize = 4;
    let handles = backing.open_replicas(4).await;
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let store = handles[writer % handles.len()].clone();
        writers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for step in 0..CONTENTS * SUBJECTS {
                // A different walk per writer: rotate by the writer, stride through the subjects.
                let n = (step + writer * 7) % (CONTENTS * SUBJECTS);
                let (subject, text) = (format!("s{}", n % SUBJECTS), format!("c{}", n / SUBJECTS));
                let registered = register(store.as_ref(), DEFAULT, &subject, &text).await;
                done.push((text, registered.id));
            }
            done
        }));
    }
    let mut ids: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
    for writer in writers {
        for (text, id) in writer.await.expect("a writer panicked") {
            ids.entry(text).or_default().insert(id);
        }
    }
    assert_eq!(ids.len(), CONTENTS);
    for (text, found) in &ids {
        assert_eq!(found.len(), 1, "{text} got several ids: {found:?}");
    }
    let store = handles[0].as_ref();
    for s in 0..SUBJECTS {
        let rows = versions(store, DEFAULT, &format!("s{s}")).await;
        let numbers: Vec<i32> = rows.iter().map(|row| row.0).collect();
        assert_eq!(
            numbers,
            (1..=CONTENTS as i32).collect::<Vec<_>>(),
            "versions of s{s}"
        );
        let carried: BTreeSet<i32> = rows.iter().map(|row| row.1).collect();
        assert_eq!(carried.len(), CONTENTS, "s{s} holds each content once");
    }
}

/// A backend shared by replicas (PostgreSQL) announces every hard delete to every handle; SQLite has no other handle
/// to tell and says so with `None`.
async fn hard_deletes_are_announced_to_every_handle_of_a_shared_database(backing: &Backing) {
    let watcher = backing.open().await;
    let Some(mut events) = watcher.subscribe_evictions() else {
        assert_eq!(
            backing.backend,
            Backend::Sqlite,
            "a shared database must announce evictions"
        );
        return;
    };
    // The listener announces `All` once it listens; from then on nothing is missed.
    let first = tokio::time::timeout(ANNOUNCE_TIMEOUT, events.recv())
        .await
        .expect("the listener starts listening in time")
        .expect("an announcement");
    assert_eq!(first, Eviction::All);

    let writer = backing.open().await;
    let a = register(writer.as_ref(), DEFAULT, "s", "A").await;
    let b = register(writer.as_ref(), DEFAULT, "s", "B").await;
    writer
        .soft_delete(DEFAULT, "s", &[1, 2])
        .await
        .expect("soft delete");
    let dropped = writer
        .hard_delete(DEFAULT, "s", &[1, 2], "s")
        .await
        .expect("hard delete");
    assert_eq!(dropped, [a.id, b.id]);

    let mut announced = BTreeSet::new();
    while announced.len() < 2 {
        let event = tokio::time::timeout(ANNOUNCE_TIMEOUT, events.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "only {announced:?} of [{}, {}] were announced in time",
                    a.id, b.id
                )
            })
            .expect("an announcement");
        match event {
            Eviction::Schemas { context, ids } => {
                assert_eq!(context, DEFAULT);
                announced.extend(ids);
            }
            Eviction::All => {}
        }
    }
    assert_eq!(announced, BTreeSet::from([a.id, b.id]));
}

/// The URL's `sslmode=require` gives an encrypted connection (rustls), as PostgreSQL itself reports.
#[tokio::test]
async fn postgres_connects_over_tls_when_the_url_asks() {
    use sqlx::{Connection, Row};
    let database = TestDatabase::create();
    let separator = if database.url().contains('?') {
        '&'
    } else {
        '?'
    };
    let url = format!("{}{separator}sslmode=require", database.url());
    let settings = PoolSettings {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(10),
    };
    let store = PostgresStore::connect(&url, settings)
        .await
        .unwrap_or_else(|err| {
            panic!("connect with sslmode=require (is ssl on in postgresql.conf?): {err}")
        });
    store.ping().await.expect("ping over TLS");
    let mut admin = sqlx::PgConnection::connect(&accord_tests::postgres_admin_url())
        .await
        .expect("connect to the admin database");
    let row = sqlx::query(
        "SELECT count(*) FILTER (WHERE s.ssl) AS encrypted, count(*) AS total \
         FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.datname = $1 AND a.application_name = 'accord'",
    )
    .bind(database.name())
    .fetch_one(&mut admin)
    .await
    .expect("read pg_stat_ssl");
    let (encrypted, total): (i64, i64) = (row.get("encrypted"), row.get("total"));
    assert!(
        total > 0,
        "the store holds no connection to {}",
        database.name()
    );
    assert_eq!(
        encrypted, total,
        "every connection of the store is encrypted"
    );
    drop(store);
}

/// A new AsyncAPI document version decided on `expected`, with `links`.
fn new_document(
    name: &str,
    content: &str,
    expected: DocumentState,
    links: Vec<DocumentLink>,
) -> NewDocument {
    NewDocument {
        name: name.to_string(),
        content: content.to_string(),
        syntax: "yaml".to_string(),
        spec_version: "3.0.0".to_string(),
        content_hash: format!("hash-of-{content}"),
        links,
        expected,
    }
}

fn link(subject: &str, version: Option<i32>, operation: Option<&str>) -> DocumentLink {
    DocumentLink {
        subject: subject.to_string(),
        subject_version: version,
        message: "orders/order".to_string(),
        channel: Some("orders".to_string()),
        operation: operation.map(str::to_string),
        action: operation.map(|_| "send".to_string()),
    }
}

/// Document versions count from 1, are written only from the state they were decided on, keep their links (listed by
/// subject, soft-deleted versions flagged), and go with their links and settings when hard-deleted.
async fn documents_keep_versions_links_and_settings(store: &dyn Store) {
    let empty = DocumentState::default();
    let v1 = new_document(
        "orders",
        "one",
        empty,
        vec![link("orders-value", Some(1), Some("send"))],
    );
    assert_eq!(store.add_document_version(&v1).await.expect("v1"), 1);
    assert!(
        matches!(
            store.add_document_version(&v1).await,
            Err(StoreError::Conflict)
        ),
        "a stale state is a conflict"
    );
    let after_v1 = DocumentState {
        max_version: 1,
        latest_live: Some(1),
    };
    let links = vec![
        link("orders-value", None, None),
        link(":.ctx:other", Some(2), Some("send")),
    ];
    let v2 = new_document("orders", "two", after_v1, links.clone());
    assert_eq!(store.add_document_version(&v2).await.expect("v2"), 2);
    let other = new_document(
        "a-first",
        "x",
        empty,
        vec![link("orders-value", Some(1), None)],
    );
    assert_eq!(store.add_document_version(&other).await.expect("other"), 1);

    let names = store.document_names().await.expect("names");
    let names: Vec<(&str, bool)> = names
        .iter()
        .map(|n| (n.name.as_str(), n.has_live))
        .collect();
    assert_eq!(names, [("a-first", true), ("orders", true)]);
    let row = store
        .document("orders", 2)
        .await
        .expect("read")
        .expect("v2 exists");
    assert_eq!(
        (row.content.as_str(), row.syntax.as_str(), row.deleted),
        ("two", "yaml", false)
    );
    assert_eq!(row.content_hash, "hash-of-two");
    let mut sorted = links.clone();
    sorted.sort();
    assert_eq!(
        store.document_links("orders", 2).await.expect("links"),
        sorted
    );

    store
        .soft_delete_documents("orders", &[1])
        .await
        .expect("soft delete");
    let versions = store.document_versions("orders").await.expect("versions");
    let flags: Vec<(i32, bool)> = versions.iter().map(|v| (v.version, v.deleted)).collect();
    assert_eq!(flags, [(1, true), (2, false)]);
    assert_eq!(
        DocumentState::of(&versions),
        DocumentState {
            max_version: 2,
            latest_live: Some(2)
        }
    );
    let usages = store.subject_links("orders-value").await.expect("usages");
    let seen: Vec<(&str, i32, bool, Option<i32>)> = usages
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.version,
                u.deleted,
                u.link.subject_version,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("a-first", 1, false, Some(1)),
            ("orders", 1, true, Some(1)),
            ("orders", 2, false, None)
        ]
    );
    assert_eq!(
        store
            .subject_links(":.ctx:other")
            .await
            .expect("usages")
            .len(),
        1
    );

    store
        .set_document_config("orders", r#"{"compatibility":"NONE"}"#)
        .await
        .expect("config");
    store
        .set_document_config("orders", r#"{"compatibility":"FULL"}"#)
        .await
        .expect("config");
    assert_eq!(
        store
            .document_config("orders")
            .await
            .expect("config")
            .as_deref(),
        Some(r#"{"compatibility":"FULL"}"#)
    );
    store
        .set_document_config("", r#"{"compatibility":"NONE"}"#)
        .await
        .expect("defaults");
    assert!(store.delete_document_config("").await.expect("delete"));
    assert!(!store.delete_document_config("").await.expect("delete"));
    assert!(store.document_config("").await.expect("read").is_none());
    assert!(
        store
            .document_config("orders")
            .await
            .expect("read")
            .is_some(),
        "other names keep their settings"
    );
    store
        .hard_delete_documents("orders", &[1])
        .await
        .expect("hard delete");
    assert!(store.document("orders", 1).await.expect("read").is_none());
    assert!(
        store
            .document_config("orders")
            .await
            .expect("config")
            .is_some(),
        "settings stay while versions remain"
    );
    store
        .hard_delete_documents("orders", &[2])
        .await
        .expect("hard delete");
    assert!(
        store
            .document_versions("orders")
            .await
            .expect("versions")
            .is_empty()
    );
    assert!(
        store
            .subject_links(":.ctx:other")
            .await
            .expect("usages")
            .is_empty(),
        "links go with their version"
    );
    assert_eq!(
        store.document_config("orders").await.expect("config"),
        None,
        "settings go with the last version"
    );
    // Version numbers are never reused.
    let again = new_document(
        "a-first",
        "y",
        DocumentState {
            max_version: 1,
            latest_live: Some(1),
        },
        Vec::new(),
    );
    store
        .soft_delete_documents("a-first", &[1])
        .await
        .expect("soft delete");
    assert!(matches!(
        store.add_document_version(&again).await,
        Err(StoreError::Conflict)
    ));
    let again = new_document(
        "a-first",
        "y",
        DocumentState {
            max_version: 1,
            latest_live: None,
        },
        Vec::new(),
    );
    assert_eq!(store.add_document_version(&again).await.expect("v2"), 2);
}

/// Four handles and eight writers add versions to one document, each retrying on conflict from the state it reads:
/// every version lands once, numbered 1 to N without gaps.
async fn concurrent_document_writers_get_contiguous_versions(backing: &Backing) {
    const WRITERS: usize = 8;
    const EACH: usize = 6;
    let handles = backing.open_replicas(4).await;
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let store = handles[writer % handles.len()].clone();
        writers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for step in 0..EACH {
                let content = format!("w{writer}-{step}");
                let version = loop {
                    let versions = store.document_versions("shared").await.expect("versions");
                    let new =
                        new_document("shared", &content, DocumentState::of(&versions), Vec::new());
                    match store.add_document_version(&new).await {
                        Ok(version) => break version,
                        Err(StoreError::Conflict) => continue,
                        Err(e) => panic!("add a version: {e}"),
                    }
                };
                mine.push((version, content));
            }
            mine
        }));
    }
    let mut written = BTreeMap::new();
    for writer in writers {
        for (version, content) in writer.await.expect("a writer panicked") {
            assert!(
                written.insert(version, content).is_none(),
                "version {version} given twice"
            );
        }
    }
    let store = handles[0].as_ref();
    let versions = store.document_versions("shared").await.expect("versions");
    let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, (1..=(WRITERS * EACH) as i32).collect::<Vec<_>>());
    for (version, content) in written {
        let row = store
            .document("shared", version)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(row.content, content, "version {version}");
    }
}
