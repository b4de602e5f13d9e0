//! Cache behaviour: single flight, forever entries, TTL of latest versions, brief misses, invalidation.

use std::sync::Arc;
use std::time::Duration;

use accord_client::{CacheConfig, Client, LookupOptions, SchemaQuery};
use accord_types::{RegisterSchemaRequest, SchemaId, Subject, Version};
use serde_json::json;

use crate::mock::{Answer, Mock};

fn cache(latest_ttl: Duration, miss_ttl: Duration) -> CacheConfig {
    CacheConfig {
        capacity: 100,
        latest_capacity: 10,
        latest_ttl,
        miss_ttl,
    }
}

fn version_body(version: i32) -> serde_json::Value {
    json!({"subject": "s", "version": version, "id": version, "schema": "\"string\""})
}

#[tokio::test]
async fn concurrent_gets_of_one_id_send_one_request() {
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"schema": "\"long\""})).delayed(Duration::from_millis(200)),
    ])
    .await;
    let client = Client::new(&mock.url).expect("client");
    let id = SchemaId::new(7).expect("id");
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.schema_by_id(id, &SchemaQuery::default()).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task").expect("schema"));
    }
    assert_eq!(mock.count(), 1, "single flight");
    assert!(answers.iter().all(|a| Arc::ptr_eq(a, &answers[0])));
    // Cached forever afterwards; another subject context is another key.
    client
        .schema_by_id(id, &SchemaQuery::default())
        .await
        .expect("cached");
    assert_eq!(mock.count(), 1);
    let other = SchemaQuery {
        subject: Some(Subject::new("other").expect("subject")),
        format: None,
    };
    client.schema_by_id(id, &other).await.expect("fetched");
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn not_found_is_remembered_briefly() {
    let mock = Mock::start(vec![
        Answer::error(404, 40403),
        Answer::json(200, &json!({"schema": "\"int\""})),
    ])
    .await;
    let client = Client::builder([&mock.url])
        .cache(cache(Duration::from_secs(60), Duration::from_millis(150)))
        .build()
        .expect("client");
    let id = SchemaId::new(9).expect("id");
    for _ in 0..3 {
        let err = client
            .schema_by_id(id, &SchemaQuery::default())
            .await
            .expect_err("miss");
        assert!(err.is_schema_not_found(), "{err}");
    }
    assert_eq!(mock.count(), 1, "the miss is cached");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let schema = client
        .schema_by_id(id, &SchemaQuery::default())
        .await
        .expect("asked again after the miss expired");
    assert_eq!(schema.schema, "\"int\"");
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn latest_versions_expire_after_their_ttl() {
    let mock = Mock::start(vec![
        Answer::json(200, &version_body(1)),
        Answer::json(200, &version_body(2)),
    ])
    .await;
    let client = Client::builder([&mock.url])
        .cache(cache(Duration::from_millis(150), Duration::from_secs(5)))
        .build()
        .expect("client");
    let subject = Subject::new("s").expect("subject");
    assert_eq!(client.latest(&subject).await.expect("latest").version, 1);
    let via_version = client
        .version(&subject, Version::LATEST, false)
        .await
        .expect("latest");
    assert_eq!(via_version.version, 1);
    assert_eq!(mock.count(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(client.latest(&subject).await.expect("latest").version, 2);
    assert_eq!(mock.count(), 2);
}

#[tokio::test]
async fn registrations_and_lookups_are_cached_per_subject_and_body_and_forgotten_on_delete() {
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"id": 5})),
        Answer::json(200, &version_body(1)),
        Answer::json(200, &json!([1])),
        Answer::json(200, &json!({"id": 5})),
    ])
    .await;
    let client = Client::new(&mock.url).expect("client");
    let subject = Subject::new("s").expect("subject");
    let request = RegisterSchemaRequest::new("\"string\"");
    for _ in 0..3 {
        let answer = client
            .register(&subject, &request, false)
            .await
            .expect("registers");
        assert_eq!(answer.id, 5);
    }
    assert_eq!(mock.count(), 1);
    for _ in 0..2 {
        client
            .lookup(&subject, &request, LookupOptions::default())
            .await
            .expect("found");
    }
    assert_eq!(mock.count(), 2);
    client
        .delete_subject(&subject, false)
        .await
        .expect("deleted");
    assert_eq!(mock.count(), 3);
    client
        .register(&subject, &request, false)
        .await
        .expect("registers again");
    assert_eq!(mock.count(), 4, "the delete forgot the cached registration");
}
