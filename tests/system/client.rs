//! `accord-client` against the real server: every endpoint family round-trips, failover reaches a live
//! server past a dead URL, and cached schemas outlive the server.
//!
//! Retries (503 then 200), no retry on 4xx, and single flight are counted on scripted listeners in
//! `accord-client`'s own tests, since the server does not expose a request count; nothing here stands
//! in for the registry.

use std::net::TcpListener;

use accord_client::{
    Client, CompatOptions, Error, ListSubjects, LookupOptions, SchemaQuery, Scope,
};
use accord_types::{
    ConfigUpdateRequest, ErrorCode, RegisterSchemaRequest, SchemaId, SchemaReference, Subject,
    Version,
};
use serde_json::json;

use crate::{Backend, server, server_on};

fn subject(name: &str) -> Subject {
    Subject::new(name).expect("valid subject")
}

fn id(raw: i32) -> SchemaId {
    SchemaId::try_from(raw).expect("the server allocates non-negative ids")
}

fn version(n: u32) -> Version {
    Version::new(n).expect("valid version")
}

/// An Avro record `accord.client.Item` with the given fields (JSON field objects).
fn item(fields: &serde_json::Value) -> RegisterSchemaRequest {
    let schema =
        json!({"type": "record", "name": "Item", "namespace": "accord.client", "fields": fields});
    RegisterSchemaRequest::new(schema.to_string())
}

fn item_v1() -> RegisterSchemaRequest {
    item(&json!([{"name": "name", "type": "string"}]))
}

fn item_v2() -> RegisterSchemaRequest {
    item(&json!([
        {"name": "name", "type": "string"},
        {"name": "count", "type": "int", "default": 0}
    ]))
}

/// Incompatible with v1 and v2 under BACKWARD: a new field without a default.
fn item_breaking() -> RegisterSchemaRequest {
    item(&json!([{"name": "name", "type": "string"}, {"name": "weight", "type": "double"}]))
}

/// A URL on which nothing listens: a port that was bound a moment ago and released.
fn closed_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    format!("http://{addr}")
}

on_both_backends!(async: every_endpoint_family_round_trips);

async fn every_endpoint_family_round_trips(backend: Backend) {
    let server = server_on(backend, &[]);
    let client = Client::new(server.url()).expect("client");
    let items = subject("client-items-value");

    let mut types = client.schema_types().await.expect("schema types");
    types.sort();
    assert_eq!(types, ["AVRO", "JSON", "PROTOBUF"]);
    let global = client
        .config(Scope::Global, false)
        .await
        .expect("global config");
    assert_eq!(global.compatibility_level.as_deref(), Some("BACKWARD"));

    // Register, re-register, look up, read back.
    let v1 = client
        .register(&items, &item_v1(), false)
        .await
        .expect("register v1");
    let again = client
        .register(&items, &item_v1(), true)
        .await
        .expect("re-register v1 (normalize)");
    assert_eq!(again.id, v1.id, "identical content keeps its id");
    let found = client
        .lookup(&items, &item_v1(), LookupOptions::default())
        .await
        .expect("lookup v1");
    assert_eq!(
        (found.id, found.version, found.subject.as_str()),
        (v1.id, 1, items.as_str())
    );
    let by_id = client
        .schema_by_id(id(v1.id), &SchemaQuery::default())
        .await
        .expect("schema by id");
    assert_eq!(by_id.schema, found.schema);
    let not_registered = client
        .lookup(&items, &item_v2(), LookupOptions::default())
        .await
        .expect_err("v2 is not registered yet");
    assert!(not_registered.is_schema_not_found(), "{not_registered}");
    let unknown_id = client
        .schema_by_id(id(999_999), &SchemaQuery::default())
        .await
        .expect_err("no such id");
    assert!(unknown_id.is_schema_not_found(), "{unknown_id}");

    // Compatibility, then a second version.
    let verdict = client
        .check_compatibility(&items, None, &item_v2(), CompatOptions::default())
        .await
        .expect("check v2");
    assert!(verdict.is_compatible);
    let verdict = client
        .check_compatibility(
            &items,
            Some(Version::LATEST),
            &item_breaking(),
            CompatOptions {
                verbose: true,
                ..CompatOptions::default()
            },
        )
        .await
        .expect("check breaking");
    assert!(!verdict.is_compatible);
    assert!(
        verdict.messages.is_some_and(|m| !m.is_empty()),
        "verbose lists the violations"
    );
    let refused = client
        .register(&items, &item_breaking(), false)
        .await
        .expect_err("incompatible");
    assert!(refused.is_incompatible(), "{refused}");
    assert!(!refused.is_retriable());

    let v2 = client
        .register(&items, &item_v2(), false)
        .await
        .expect("register v2");
    assert_ne!(v2.id, v1.id);
    assert_eq!(
        client.versions(&items, false).await.expect("versions"),
        [1, 2]
    );
    assert_eq!(
        client.latest(&items).await.expect("latest").id,
        v2.id,
        "register forgot the cached latest"
    );
    let first = client
        .version(&items, version(1), false)
        .await
        .expect("version 1");
    assert_eq!(first.id, v1.id);
    let missing = client
        .version(&items, version(9), false)
        .await
        .expect_err("no version 9");
    assert!(missing.is_version_not_found(), "{missing}");
    let listed = client
        .subjects(&ListSubjects::default())
        .await
        .expect("subjects");
    assert!(listed.contains(&items.to_string()), "{listed:?}");
    assert_eq!(
        client
            .subjects_for_id(id(v1.id), false)
            .await
            .expect("subjects of id"),
        [items.as_str()]
    );
    let pairs = client
        .versions_for_id(id(v2.id), false)
        .await
        .expect("versions of id");
    assert_eq!(
        (pairs[0].subject.as_str(), pairs[0].version),
        (items.as_str(), 2)
    );

    // References: a wrapper that uses Item version 1.
    let wrappers = subject("client-wrappers-value");
    let wrapper = RegisterSchemaRequest::new(
        json!({"type": "record", "name": "Wrapper", "namespace": "accord.client",
               "fields": [{"name": "item", "type": "accord.client.Item"}]})
        .to_string(),
    )
    .with_references([SchemaReference {
        name: "accord.client.Item".into(),
        subject: items.to_string(),
        version: 1,
    }]);
    let wrapped = client
        .register(&wrappers, &wrapper, false)
        .await
        .expect("register wrapper");
    assert_eq!(
        client
            .referenced_by(&items, version(1))
            .await
            .expect("referencedby"),
        [wrapped.id]
    );
    let blocked = client
        .delete_version(&items, version(1), false)
        .await
        .expect_err("a referenced version cannot be deleted");
    assert_eq!(
        blocked.code(),
        Some(ErrorCode::REFERENCE_EXISTS),
        "{blocked}"
    );

    // Config and mode, per subject and global.
    let update = ConfigUpdateRequest {
        compatibility: Some("NONE".into()),
        ..ConfigUpdateRequest::default()
    };
    let stored = client
        .set_config(Scope::Subject(&items), &update)
        .await
        .expect("put config");
    assert_eq!(stored.compatibility.as_deref(), Some("NONE"));
    let own = client
        .config(Scope::Subject(&items), false)
        .await
        .expect("subject config");
    assert_eq!(own.compatibility_level.as_deref(), Some("NONE"));
    client
        .register(&items, &item_breaking(), false)
        .await
        .expect("NONE accepts anything");
    let previous = client
        .delete_config(Scope::Subject(&items))
        .await
        .expect("delete config");
    assert_eq!(previous.compatibility_level.as_deref(), Some("NONE"));
    let gone = client
        .config(Scope::Subject(&items), false)
        .await
        .expect_err("no subject config");
    assert_eq!(
        gone.code(),
        Some(ErrorCode::SUBJECT_CONFIG_NOT_FOUND),
        "{gone}"
    );
    let effective = client
        .config(Scope::Subject(&items), true)
        .await
        .expect("effective config");
    assert_eq!(effective.compatibility_level.as_deref(), Some("BACKWARD"));

    assert_eq!(
        client
            .mode(Scope::Global, false)
            .await
            .expect("mode")
            .mode
            .as_deref(),
        Some("READWRITE")
    );
    let readonly = client
        .set_mode(Scope::Subject(&items), "READONLY", false)
        .await
        .expect("put mode");
    assert_eq!(readonly.mode.as_deref(), Some("READONLY"));
    let frozen = client
        .register(
            &items,
            &item(&json!([{"name": "other", "type": "long"}])),
            false,
        )
        .await
        .expect_err("read-only subject");
    assert_eq!(
        frozen.code(),
        Some(ErrorCode::OPERATION_NOT_PERMITTED),
        "{frozen}"
    );
    client
        .delete_mode(Scope::Subject(&items))
        .await
        .expect("delete mode");
    let no_mode = client
        .mode(Scope::Subject(&items), false)
        .await
        .expect_err("no subject mode");
    assert_eq!(
        no_mode.code(),
        Some(ErrorCode::SUBJECT_MODE_NOT_FOUND),
        "{no_mode}"
    );

    // Deletes: version, then subjects, soft and permanent.
    assert_eq!(
        client
            .delete_version(&items, version(3), false)
            .await
            .expect("soft delete v3"),
        3
    );
    assert_eq!(
        client
            .delete_version(&items, version(3), true)
            .await
            .expect("hard delete v3"),
        3
    );
    assert_eq!(
        client.versions(&items, true).await.expect("versions"),
        [1, 2]
    );
    assert_eq!(
        client
            .delete_subject(&wrappers, false)
            .await
            .expect("soft delete"),
        [1]
    );
    assert_eq!(
        client
            .delete_subject(&wrappers, true)
            .await
            .expect("hard delete"),
        [1]
    );
    assert_eq!(
        client
            .delete_subject(&items, false)
            .await
            .expect("soft delete"),
        [1, 2]
    );
    let live = client
        .subjects(&ListSubjects::default())
        .await
        .expect("subjects");
    assert!(!live.contains(&items.to_string()), "{live:?}");
    let all = client
        .subjects(&ListSubjects {
            deleted: true,
            ..ListSubjects::default()
        })
        .await
        .expect("subjects with deleted");
    assert!(all.contains(&items.to_string()), "{all:?}");
    client.clear_caches();
    let still = client
        .schema_by_id(id(v1.id), &SchemaQuery::default())
        .await
        .expect("a soft-deleted schema stays readable by id");
    assert_eq!(still.schema, by_id.schema);

    assert!(
        client
            .contexts()
            .await
            .expect("contexts")
            .contains(&".".to_string())
    );
    assert!(
        !client
            .server_version()
            .await
            .expect("server version")
            .version
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_first_url_fails_over_to_the_live_server() {
    let server = server();
    let client = Client::builder([closed_url(), server.url().to_string()])
        .max_retries(0)
        .build()
        .expect("client");
    let s = subject("client-failover-value");
    let registered = client
        .register(&s, &item_v1(), false)
        .await
        .expect("register via failover");
    let schema = client
        .schema_by_id(id(registered.id), &SchemaQuery::default())
        .await
        .expect("read via the live URL");
    assert!(schema.schema.contains("accord.client"), "{}", schema.schema);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_schemas_outlive_the_server() {
    let mut server = server();
    let client = Client::builder([server.url()])
        .max_retries(0)
        .build()
        .expect("client");
    let s = subject("client-cache-value");
    let registered = client
        .register(&s, &item_v1(), false)
        .await
        .expect("register");
    let schema = client
        .schema_by_id(id(registered.id), &SchemaQuery::default())
        .await
        .expect("schema by id");
    let found = client
        .lookup(&s, &item_v1(), LookupOptions::default())
        .await
        .expect("lookup");

    server.stop();

    let cached = client
        .schema_by_id(id(registered.id), &SchemaQuery::default())
        .await
        .expect("served from the cache");
    assert_eq!(cached.schema, schema.schema);
    let again = client
        .register(&s, &item_v1(), false)
        .await
        .expect("registration cached");
    assert_eq!(again.id, registered.id);
    let found_again = client
        .lookup(&s, &item_v1(), LookupOptions::default())
        .await
        .expect("lookup cached");
    assert_eq!(found_again.version, found.version);
    let uncached = client.schema_types().await.expect_err("the server is gone");
    assert!(matches!(uncached, Error::Transport { .. }), "{uncached:?}");
}
