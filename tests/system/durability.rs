//! Durability, on both backends: the server is killed with SIGKILL in the middle of a registration burst and restarted on
//! the same data directory or database; every registration it acknowledged must read back with its ID, its version and
//! its schema.
//!
//! Registrations in flight at the kill may or may not have landed; only acknowledged ones are checked.
//! A graceful restart (SIGTERM) must exit with status 0 and keep its data too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use accord_tests::{Api, Reply};
use serde_json::{Value, json};

use crate::{Backend, server_on};

const WRITERS: usize = 8;
const SUBJECTS: usize = 3;
/// Far more than a writer can do before the kill, so that the kill lands mid-burst; it bounds the loop all the same.
const MAX_PER_WRITER: usize = 5_000;
/// The burst runs at least this long, and has at least `MIN_ACKS` acknowledgements, before the kill.
const KILL_AFTER: Duration = Duration::from_secs(1);
const MIN_ACKS: usize = 50;
const BURST_DEADLINE: Duration = Duration::from_secs(60);

/// One acknowledged registration.
#[derive(Debug, Clone)]
struct Ack {
    subject: String,
    schema: String,
    id: i64,
    /// Set when the register answer carries it (Confluent 7.9 answers with the ID alone).
    version: Option<i64>,
}

fn subject(s: usize) -> String {
    format!("durability-{s}-value")
}

fn schema(writer: usize, n: usize) -> String {
    accord_tests::one_field_record(
        "accord.durability",
        "Event",
        &format!("w{writer}_n{n}"),
        "long",
    )
}

fn parsed(schema: &str) -> Value {
    serde_json::from_str(schema)
        .unwrap_or_else(|err| panic!("schema text is not JSON ({err}): {schema}"))
}

on_both_backends!(async: acknowledged_registrations_survive_sigkill, graceful_restart_exits_zero_and_keeps_registrations);

async fn acknowledged_registrations_survive_sigkill(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let reply = api
        .put("/config", &json!({"compatibility": "NONE"}))
        .await
        .expect("PUT /config");
    assert_eq!(reply.status, 200, "PUT /config NONE: {reply}");

    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let rejections = Arc::new(Mutex::new(Vec::<String>::new()));
    let finished_writers = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let api = Api::new(server.url());
        let (acks, rejections, finished_writers) =
            (acks.clone(), rejections.clone(), finished_writers.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..MAX_PER_WRITER {
                let subject = subject((writer + n) % SUBJECTS);
                let schema = schema(writer, n);
                let path = format!("/subjects/{subject}/versions");
                match api.post(&path, &json!({"schema": schema})).await {
                    Ok(Reply { status: 200, body }) if body["id"].is_i64() => {
                        let ack = Ack {
                            subject,
                            schema,
                            id: body["id"].as_i64().expect("checked above"),
                            version: body["version"].as_i64(),
                        };
                        acks.lock().expect("acks lock").push(ack);
                    }
                    Ok(other) => {
                        let mut rejections = rejections.lock().expect("rejections lock");
                        rejections.push(format!("{path}: {other}"));
                        break;
                    }
                    // The server is gone: the kill happened.
                    Err(_) => break,
                }
            }
            finished_writers.fetch_add(1, Ordering::SeqCst);
        }));
    }

    let started = Instant::now();
    loop {
        let count = acks.lock().expect("acks lock").len();
        if started.elapsed() >= KILL_AFTER && count >= MIN_ACKS {
            break;
        }
        let rejected = rejections.lock().expect("rejections lock").clone();
        assert!(
            rejected.is_empty(),
            "registrations answered with an error (or without an id) during the burst:\n  {}\n--- server stderr ---\n{}",
            rejected.join("\n  "),
            server.stderr()
        );
        assert!(
            started.elapsed() < BURST_DEADLINE,
            "only {count} registrations acknowledged in {BURST_DEADLINE:?}\n--- server stderr ---\n{}",
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        finished_writers.load(Ordering::SeqCst),
        0,
        "a writer finished before the kill: raise MAX_PER_WRITER so that the kill lands mid-burst"
    );
    server.kill_9();
    for writer in writers {
        writer.await.expect("a writer task panicked");
    }
    let rejections = rejections.lock().expect("rejections lock").clone();
    assert!(
        rejections.is_empty(),
        "registrations answered with an error (or without an id) before the kill:\n  {}",
        rejections.join("\n  ")
    );
    let acks = acks.lock().expect("acks lock").clone();

    server.restart();
    let api = Api::new(server.url());
    let mut lost = Vec::new();
    for ack in &acks {
        if let Err(problem) = read_back(&api, ack).await {
            lost.push(format!(
                "{} id {} ({}): {problem}",
                ack.subject, ack.id, ack.schema
            ));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged registrations did not read back after SIGKILL and restart:\n  {}",
        lost.len(),
        acks.len(),
        lost.iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );

    for s in 0..SUBJECTS {
        let subject = subject(s);
        let reply = api
            .get(&format!("/subjects/{subject}/versions"))
            .await
            .expect("GET versions");
        assert_eq!(
            reply.status, 200,
            "GET /subjects/{subject}/versions after restart: {reply}"
        );
        let versions: Vec<i64> =
            serde_json::from_value(reply.body.clone()).expect("a list of versions");
        let gapless: Vec<i64> = (1..=versions.len() as i64).collect();
        assert_eq!(
            versions, gapless,
            "versions of {subject} after restart have gaps"
        );
    }
    println!(
        "durability: {} acknowledged registrations read back after SIGKILL",
        acks.len()
    );
}

/// Reads one acknowledged registration back: its version by lookup, then the version and the ID directly.
async fn read_back(api: &Api, ack: &Ack) -> Result<(), String> {
    let expected = parsed(&ack.schema);
    let transport = |err: reqwest::Error| format!("transport error: {err}");

    let found = api
        .post(
            &format!("/subjects/{}", ack.subject),
            &json!({"schema": ack.schema}),
        )
        .await
        .map_err(transport)?;
    if found.status != 200 || found.body["id"].as_i64() != Some(ack.id) {
        return Err(format!("lookup answered {found}"));
    }
    let version = found.body["version"]
        .as_i64()
        .ok_or_else(|| format!("lookup answered without a version: {found}"))?;
    if ack.version.is_some_and(|acked| acked != version) {
        return Err(format!(
            "acknowledged as version {:?}, looked up as {version}",
            ack.version
        ));
    }

    let by_version = api
        .get(&format!("/subjects/{}/versions/{version}", ack.subject))
        .await
        .map_err(transport)?;
    let schema_text = by_version.body["schema"].as_str().map(parsed);
    if by_version.status != 200
        || by_version.body["id"].as_i64() != Some(ack.id)
        || schema_text != Some(expected.clone())
    {
        return Err(format!("GET version {version} answered {by_version}"));
    }

    let by_id = api
        .get(&format!("/schemas/ids/{}", ack.id))
        .await
        .map_err(transport)?;
    let schema_text = by_id.body["schema"].as_str().map(parsed);
    if by_id.status != 200 || schema_text != Some(expected) {
        return Err(format!("GET /schemas/ids/{} answered {by_id}", ack.id));
    }
    Ok(())
}

async fn graceful_restart_exits_zero_and_keeps_registrations(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let schema = r#"{"type":"record","name":"Kept","fields":[{"name":"a","type":"string"}]}"#;
    let reply = api
        .post("/subjects/kept-value/versions", &json!({"schema": schema}))
        .await
        .expect("POST");
    assert_eq!(reply.status, 200, "register: {reply}");
    let ack = Ack {
        subject: "kept-value".to_string(),
        schema: schema.to_string(),
        id: reply.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {reply}")),
        version: reply.body["version"].as_i64(),
    };

    let status = server.stop().expect("the server was running");
    assert!(
        status.success(),
        "SIGTERM must shut the server down cleanly, got {status}\n--- server stderr ---\n{}",
        server.stderr()
    );
    server.restart();
    let api = Api::new(server.url());
    read_back(&api, &ack)
        .await
        .unwrap_or_else(|problem| panic!("after a graceful restart: {problem}"));
}
