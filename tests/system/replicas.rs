//! Two replicas on one PostgreSQL database (issue "PostgreSQL backend and stateless replicas", Done-when 2).
//!
//! 32 clients spread over two `accord-test-serve` processes register overlapping schema sets into shared subjects;
//! afterwards every distinct schema has exactly one id, every subject's versions are 1..n without gaps, and no request
//! failed. Then writes through one replica are read back through the other at once: config, mode, latest version,
//! soft and hard deletions. Mutable data is never cached, so these reads need no waiting; the one cached item, a
//! schema by id, is evicted in the other replica by `LISTEN/NOTIFY`, which the test waits for with bounded polling.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use accord_tests::{Api, Reply, TestDatabase, TestServer};
use serde_json::{Value, json};

use crate::SERVE_BIN;

const CLIENTS: usize = 32;
const SCHEMAS: usize = 24;
const SUBJECTS: usize = 4;
/// How long the other replica may take to evict a hard-deleted schema from its cache.
const EVICTION_DEADLINE: Duration = Duration::from_secs(10);

fn schema(i: usize) -> String {
    accord_tests::one_field_record("accord.replicas", "Shared", &format!("field_{i}"), "string")
}

fn subject(s: usize) -> String {
    format!("replicas-{s}-value")
}

/// The pairs one client registers: every schema into every subject, starting at a client-specific place,
/// so that the clients overlap on every subject and every schema at the same time.
fn walk(client: usize) -> Vec<(usize, usize)> {
    let all = SCHEMAS * SUBJECTS;
    (0..all)
        .map(|step| {
            let n = (step * 7 + client * 13) % all;
            (n % SUBJECTS, n / SUBJECTS)
        })
        .collect()
}

fn expect_status(reply: &Reply, status: u16, what: &str) {
    assert_eq!(reply.status, status, "{what}: {reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_agree_on_ids_versions_and_reads() {
    // Declared first, so that it is dropped after both servers.
    let database = TestDatabase::create();
    let args = ["--database-url", database.url()];
    let replicas = [
        TestServer::start(SERVE_BIN, &args),
        TestServer::start(SERVE_BIN, &args),
    ];
    let apis = [Api::new(replicas[0].url()), Api::new(replicas[1].url())];
    let stderr = || {
        format!(
            "--- replica 0 stderr ---\n{}\n--- replica 1 stderr ---\n{}",
            replicas[0].stderr(),
            replicas[1].stderr()
        )
    };

    // Config written through one replica is what the other one reads.
    let reply = apis[0]
        .put("/config", &json!({"compatibility": "NONE"}))
        .await
        .expect("PUT");
    expect_status(&reply, 200, "PUT /config NONE through replica 0");
    let reply = apis[1].get("/config").await.expect("GET");
    assert_eq!(
        reply.body["compatibilityLevel"], "NONE",
        "GET /config through replica 1: {reply}"
    );

    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let api = Api::new(replicas[client % 2].url());
        clients.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for (s, i) in walk(client) {
                let path = format!("/subjects/{}/versions", subject(s));
                answers.push((s, i, api.post(&path, &json!({"schema": schema(i)})).await));
            }
            answers
        }));
    }
    let mut failures = Vec::new();
    let mut ids: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for client in clients {
        for (s, i, reply) in client.await.expect("a client panicked") {
            match reply {
                Ok(reply) if reply.status == 200 && reply.body["id"].is_i64() => {
                    ids.entry(i)
                        .or_default()
                        .insert(reply.body["id"].as_i64().expect("checked"));
                }
                Ok(reply) => failures.push(format!("{} schema {i}: {reply}", subject(s))),
                Err(err) => {
                    failures.push(format!("{} schema {i}: transport error: {err}", subject(s)))
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} registrations failed; the first ones:\n  {}\n{}",
        failures.len(),
        CLIENTS * SCHEMAS * SUBJECTS,
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  "),
        stderr()
    );
    for (i, found) in &ids {
        assert_eq!(found.len(), 1, "schema {i} got several ids: {found:?}");
    }
    let all_ids: BTreeSet<i64> = ids.values().flatten().copied().collect();
    assert_eq!(
        all_ids.len(),
        SCHEMAS,
        "one distinct id per distinct schema"
    );
    for s in 0..SUBJECTS {
        for api in &apis {
            let reply = api
                .get(&format!("/subjects/{}/versions", subject(s)))
                .await
                .expect("GET");
            let versions: Vec<i64> = serde_json::from_value(reply.body.clone())
                .unwrap_or_else(|_| panic!("versions of {}: {reply}", subject(s)));
            assert_eq!(
                versions,
                (1..=SCHEMAS as i64).collect::<Vec<_>>(),
                "versions of {}",
                subject(s)
            );
        }
    }

    read_your_writes_across_replicas(&apis).await;
}

/// Writes through one replica, reads through the other, with no wait in between (except the cache eviction).
async fn read_your_writes_across_replicas(apis: &[Api; 2]) {
    let subject = "replicas-ryw-value";
    let schema_at = |i: usize| {
        json!({"type": "record", "name": "Ryw", "fields": [{"name": format!("f{i}"), "type": "long"}]}).to_string()
    };

    // Config and mode.
    let reply = apis[0]
        .put(
            &format!("/config/{subject}"),
            &json!({"compatibility": "FULL"}),
        )
        .await
        .expect("PUT");
    expect_status(&reply, 200, "PUT subject config through replica 0");
    let reply = apis[1]
        .get(&format!("/config/{subject}"))
        .await
        .expect("GET");
    assert_eq!(
        reply.body["compatibilityLevel"], "FULL",
        "subject config through replica 1: {reply}"
    );
    let reply = apis[0]
        .delete(&format!("/config/{subject}"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "DELETE subject config through replica 0");
    let reply = apis[1]
        .get(&format!("/config/{subject}"))
        .await
        .expect("GET");
    assert_eq!(
        reply.error_code(),
        Some(40408),
        "deleted subject config through replica 1: {reply}"
    );

    let reply = apis[1]
        .put(&format!("/mode/{subject}"), &json!({"mode": "READONLY"}))
        .await
        .expect("PUT");
    expect_status(&reply, 200, "PUT mode READONLY through replica 1");
    let reply = apis[0].get(&format!("/mode/{subject}")).await.expect("GET");
    assert_eq!(
        reply.body["mode"], "READONLY",
        "mode through replica 0: {reply}"
    );
    let reply = apis[0]
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schema": schema_at(0)}),
        )
        .await
        .expect("POST");
    assert_eq!(
        reply.error_code(),
        Some(42205),
        "register in a READONLY subject through replica 0: {reply}"
    );
    let reply = apis[0]
        .delete(&format!("/mode/{subject}"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "DELETE mode through replica 0");

    // Latest version.
    let mut registered = Vec::new();
    for i in 0..3 {
        let writer = &apis[i % 2];
        let reply = writer
            .post(
                &format!("/subjects/{subject}/versions"),
                &json!({"schema": schema_at(i)}),
            )
            .await
            .expect("POST");
        expect_status(&reply, 200, "register");
        let id = reply.body["id"].as_i64().expect("id");
        registered.push(id);
        let reader = &apis[(i + 1) % 2];
        let latest = reader
            .get(&format!("/subjects/{subject}/versions/latest"))
            .await
            .expect("GET");
        expect_status(&latest, 200, "latest through the other replica");
        assert_eq!(
            (latest.body["version"].as_i64(), latest.body["id"].as_i64()),
            (Some(i as i64 + 1), Some(id)),
            "latest version through the other replica right after the write: {latest}"
        );
    }

    // Soft delete, then hard delete, of the latest version.
    let reply = apis[1]
        .get(&format!("/schemas/ids/{}", registered[2]))
        .await
        .expect("GET");
    expect_status(
        &reply,
        200,
        "schema 3 by id through replica 1 (now cached there)",
    );
    let reply = apis[0]
        .delete(&format!("/subjects/{subject}/versions/3"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "soft delete through replica 0");
    let reply = apis[1]
        .get(&format!("/subjects/{subject}/versions"))
        .await
        .expect("GET");
    assert_eq!(
        reply.body,
        json!([1, 2]),
        "versions through replica 1 after a soft delete: {reply}"
    );
    let reply = apis[1]
        .get(&format!("/subjects/{subject}/versions/latest"))
        .await
        .expect("GET");
    assert_eq!(
        reply.body["version"], 2,
        "latest through replica 1 after a soft delete: {reply}"
    );
    let reply = apis[0]
        .delete(&format!("/subjects/{subject}/versions/3?permanent=true"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "hard delete through replica 0");
    let reply = apis[1]
        .get(&format!("/subjects/{subject}/versions?deleted=true"))
        .await
        .expect("GET");
    assert_eq!(
        reply.body,
        json!([1, 2]),
        "versions (deleted included) through replica 1: {reply}"
    );
    let reply = apis[1]
        .get(&format!("/subjects/{subject}/versions/3?deleted=true"))
        .await
        .expect("GET");
    assert_eq!(
        reply.error_code(),
        Some(40402),
        "hard-deleted version through replica 1: {reply}"
    );

    // The schema by id was cached in replica 1; the hard delete's notification evicts it.
    let started = Instant::now();
    let last: Value = loop {
        let reply = apis[1]
            .get(&format!("/schemas/ids/{}", registered[2]))
            .await
            .expect("GET");
        if reply.status == 404 {
            assert_eq!(reply.error_code(), Some(40403), "{reply}");
            break reply.body;
        }
        assert!(
            started.elapsed() < EVICTION_DEADLINE,
            "replica 1 still serves hard-deleted schema {} after {EVICTION_DEADLINE:?}: {reply}",
            registered[2]
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    println!(
        "replicas: the other replica evicted a hard-deleted schema after {:?} ({last})",
        started.elapsed()
    );

    // A whole subject, soft then hard, through alternate replicas.
    let reply = apis[1]
        .delete(&format!("/subjects/{subject}"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "soft delete of the subject through replica 1");
    let reply = apis[0].get("/subjects").await.expect("GET");
    let listed: Vec<String> = serde_json::from_value(reply.body.clone()).expect("subject list");
    assert!(
        !listed.iter().any(|s| s == subject),
        "replica 0 still lists {subject}: {reply}"
    );
    let reply = apis[0]
        .delete(&format!("/subjects/{subject}?permanent=true"))
        .await
        .expect("DELETE");
    expect_status(&reply, 200, "hard delete of the subject through replica 0");
    let reply = apis[1]
        .get(&format!("/subjects/{subject}/versions?deleted=true"))
        .await
        .expect("GET");
    assert_eq!(
        reply.error_code(),
        Some(40401),
        "hard-deleted subject through replica 1: {reply}"
    );
}
