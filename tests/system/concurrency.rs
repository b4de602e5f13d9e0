//! Concurrent registration against one server process: 16 clients register the same 50 Avro schemas into the same 5 subjects,
//! each in its own order, under compatibility NONE.
//!
//! Afterwards every distinct schema has exactly one ID, every subject's versions are exactly 1..=50, and no request failed.
//! Runs on both backends; `replicas` does the same over two servers sharing one PostgreSQL database.

use std::collections::{BTreeMap, BTreeSet};

use accord_tests::{Api, Reply};
use serde_json::json;

use crate::{Backend, server_on};

const CLIENTS: u64 = 16;
const SCHEMAS: usize = 50;
const SUBJECTS: usize = 5;

/// The i-th schema: the same record name each time, with a different field, so that each is a new version of "Item".
fn schema(i: usize) -> String {
    accord_tests::one_field_record(
        "accord.concurrency",
        "Item",
        &format!("field_{i}"),
        "string",
    )
}

fn subject(s: usize) -> String {
    format!("concurrency-{s}-value")
}

/// A Fisher–Yates shuffle driven by xorshift64, so each client gets its own repeatable order without a `rand` dependency.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for last in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let pick = usize::try_from(state % (last as u64 + 1)).expect("index fits usize");
        items.swap(last, pick);
    }
}

on_both_backends!(async: concurrent_registrations_get_one_id_per_schema_and_gapless_versions);

async fn concurrent_registrations_get_one_id_per_schema_and_gapless_versions(backend: Backend) {
    let server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let reply = api
        .put("/config", &json!({"compatibility": "NONE"}))
        .await
        .expect("PUT /config");
    assert_eq!(reply.status, 200, "PUT /config NONE: {reply}");

    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        // One `Api` per client, so that each has its own connection pool.
        let api = Api::new(server.url());
        clients.push(tokio::spawn(async move {
            let mut order: Vec<(usize, usize)> = (0..SUBJECTS)
                .flat_map(|s| (0..SCHEMAS).map(move |i| (s, i)))
                .collect();
            shuffle(&mut order, client + 1);
            let mut answers = Vec::with_capacity(order.len());
            for (s, i) in order {
                let path = format!("/subjects/{}/versions", subject(s));
                let reply = api.post(&path, &json!({"schema": schema(i)})).await;
                answers.push((s, i, reply));
            }
            answers
        }));
    }

    let mut failures = Vec::new();
    let mut ids_of_schema: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for client in clients {
        for (s, i, reply) in client.await.expect("a client task panicked") {
            match reply {
                Ok(Reply {
                    status: 200,
                    ref body,
                }) if body["id"].as_i64().is_some() => {
                    let id = body["id"].as_i64().expect("checked above");
                    ids_of_schema.entry(i).or_default().insert(id);
                }
                Ok(other) => failures.push(format!("{} schema {i}: {other}", subject(s))),
                Err(err) => {
                    failures.push(format!("{} schema {i}: transport error: {err}", subject(s)))
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} registrations did not answer 200 with an id; the first ones:\n  {}\n--- server stderr ---\n{}",
        failures.len(),
        CLIENTS as usize * SUBJECTS * SCHEMAS,
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  "),
        server.stderr()
    );

    let mut all_ids = BTreeSet::new();
    for (i, ids) in &ids_of_schema {
        assert_eq!(ids.len(), 1, "schema {i} got several ids: {ids:?}");
        all_ids.extend(ids);
    }
    assert_eq!(
        all_ids.len(),
        SCHEMAS,
        "the {SCHEMAS} distinct schemas must get {SCHEMAS} distinct ids: {all_ids:?}"
    );

    let expected_versions: Vec<i64> = (1..=SCHEMAS as i64).collect();
    for s in 0..SUBJECTS {
        let subject = subject(s);
        let reply = api
            .get(&format!("/subjects/{subject}/versions"))
            .await
            .expect("GET versions");
        assert_eq!(
            reply.status, 200,
            "GET /subjects/{subject}/versions: {reply}"
        );
        let versions: Vec<i64> = serde_json::from_value(reply.body.clone())
            .unwrap_or_else(|_| panic!("versions of {subject} are a list of integers: {reply}"));
        assert_eq!(
            versions, expected_versions,
            "versions of {subject} must be 1..={SCHEMAS} without gaps"
        );

        let mut ids_in_subject = BTreeSet::new();
        for version in versions {
            let reply = api
                .get(&format!("/subjects/{subject}/versions/{version}"))
                .await
                .expect("GET version");
            assert_eq!(
                reply.status, 200,
                "GET /subjects/{subject}/versions/{version}: {reply}"
            );
            let id = reply.body["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("no id in {reply}"));
            assert!(
                ids_in_subject.insert(id),
                "id {id} appears twice in {subject}"
            );
        }
        assert_eq!(
            ids_in_subject, all_ids,
            "{subject} must hold each of the {SCHEMAS} schemas exactly once"
        );
    }
}
