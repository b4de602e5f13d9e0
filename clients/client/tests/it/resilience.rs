//! Retries, failover, credentials and error mapping, counted on scripted listeners.

use std::time::Duration;

use accord_client::{Client, Error, RetryPolicy, SchemaQuery};
use accord_types::{ErrorCode, RegisterSchemaRequest, SchemaId, Subject};
use serde_json::json;

use crate::mock::{Answer, Mock, closed_url};

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

fn schema_body() -> serde_json::Value {
    json!({"schema": "\"string\""})
}

fn id(n: u32) -> SchemaId {
    SchemaId::new(n).expect("valid id")
}

#[tokio::test]
async fn server_errors_and_429_are_retried_until_success() {
    let mock = Mock::start(vec![
        Answer::error(503, 50001),
        Answer::error(429, 429).header("retry-after", "0"),
        Answer::error(500, 500),
        Answer::json(200, &schema_body()),
    ])
    .await;
    let client = Client::builder([&mock.url])
        .retry(fast_retries(3))
        .build()
        .expect("client");
    let schema = client
        .schema_by_id(id(1), &SchemaQuery::default())
        .await
        .expect("succeeds on the fourth attempt");
    assert_eq!(schema.schema, "\"string\"");
    assert_eq!(mock.count(), 4);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for (status, code) in [
        (404, 40403),
        (409, 409),
        (422, 42201),
        (401, 401),
        (400, 400),
    ] {
        let mock = Mock::start(vec![
            Answer::error(status, code),
            Answer::json(200, &json!({"id": 1})),
        ])
        .await;
        let client = Client::builder([&mock.url])
            .retry(fast_retries(5))
            .build()
            .expect("client");
        let subject = Subject::new("s").expect("subject");
        let err = client
            .register(&subject, &RegisterSchemaRequest::new("\"string\""), false)
            .await
            .expect_err("the scripted error is the answer");
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(err.code(), Some(ErrorCode(code)));
        assert!(!err.is_retriable());
        assert_eq!(mock.count(), 1, "status {status} must not be retried");
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_the_last_error() {
    let mock = Mock::start(vec![Answer::error(500, 50001)]).await;
    let client = Client::builder([&mock.url])
        .retry(fast_retries(2))
        .build()
        .expect("client");
    let err = client
        .schema_types()
        .await
        .expect_err("every attempt fails");
    assert_eq!(err.code(), Some(ErrorCode::STORE_ERROR));
    assert!(err.is_retriable());
    assert_eq!(mock.count(), 3, "one attempt plus two retries");
}

#[tokio::test]
async fn a_dead_first_url_fails_over_to_the_next() {
    let live = Mock::start(vec![Answer::json(200, &json!(["AVRO"]))]).await;
    let client = Client::builder([closed_url().await, live.url.clone()])
        .max_retries(0)
        .build()
        .expect("client");
    assert_eq!(client.schema_types().await.expect("fails over"), ["AVRO"]);
    assert_eq!(
        client.schema_types().await.expect("stays on the live URL"),
        ["AVRO"]
    );
    assert_eq!(live.count(), 2);
}

#[tokio::test]
async fn a_5xx_fails_over_to_the_next_url_without_waiting_for_a_retry() {
    let sick = Mock::start(vec![Answer::error(503, 50003)]).await;
    let live = Mock::start(vec![Answer::json(200, &json!(["JSON"]))]).await;
    let client = Client::builder([sick.url.clone(), live.url.clone()])
        .max_retries(0)
        .build()
        .expect("client");
    assert_eq!(client.schema_types().await.expect("fails over"), ["JSON"]);
    assert_eq!((sick.count(), live.count()), (1, 1));
    // The URL that answered is preferred from now on.
    client.schema_types().await.expect("answers");
    assert_eq!((sick.count(), live.count()), (1, 2));
}

#[tokio::test]
async fn all_urls_dead_is_a_transport_error_after_the_retries() {
    let client = Client::builder([closed_url().await, closed_url().await])
        .retry(fast_retries(1))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let err = client.schema_types().await.expect_err("nothing listens");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retriable());
}

#[tokio::test]
async fn credentials_and_content_types_are_sent() {
    let mock = Mock::start(vec![Answer::json(200, &json!({"id": 3}))]).await;
    let basic = Client::builder([&mock.url])
        .basic_auth("key", "secret")
        .build()
        .expect("client");
    let subject = Subject::new("a/b:c").expect("subject");
    basic
        .register(&subject, &RegisterSchemaRequest::new("\"int\""), true)
        .await
        .expect("registers");
    let bearer = Client::builder([&mock.url])
        .bearer_token("t0ken")
        .build()
        .expect("client");
    bearer
        .schema_types()
        .await
        .expect_err("the scripted body is not a list");

    let requests = mock.requests();
    let first = requests[0].to_lowercase();
    assert!(
        first.starts_with("post /subjects/a%2fb%3ac/versions?normalize=true http/1.1"),
        "{first}"
    );
    assert!(
        first.contains("authorization: basic a2v5onnly3jlda=="),
        "{first}"
    );
    assert!(
        first.contains("content-type: application/vnd.schemaregistry.v1+json"),
        "{first}"
    );
    assert!(
        requests[1].contains("authorization: Bearer t0ken"),
        "{}",
        requests[1]
    );
    assert!(
        !format!("{basic:?}").contains("secret"),
        "credentials leak into Debug"
    );
}

#[tokio::test]
async fn non_json_error_bodies_and_oversized_bodies_become_typed_errors() {
    let mock = Mock::start(vec![Answer {
        status: 502,
        body: "<html>bad gateway</html>".into(),
        delay: Duration::ZERO,
        headers: Vec::new(),
    }])
    .await;
    let client = Client::builder([&mock.url])
        .max_retries(0)
        .build()
        .expect("client");
    let err = client.contexts().await.expect_err("502");
    assert_eq!(err.code(), Some(ErrorCode(502)));
    assert!(err.to_string().contains("bad gateway"), "{err}");

    let big = Mock::start(vec![Answer::json(200, &json!(["x".repeat(10_000)]))]).await;
    let client = Client::builder([&big.url])
        .max_response_bytes(1_000)
        .build()
        .expect("client");
    let err = client.contexts().await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1_000, .. }),
        "{err:?}"
    );

    let garbage = Mock::start(vec![Answer::json(200, &json!({"unexpected": true}))]).await;
    let client = Client::new(&garbage.url).expect("client");
    let err = client.contexts().await.expect_err("not a list");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[test]
fn unusable_configurations_are_rejected() {
    let none: [&str; 0] = [];
    assert!(matches!(
        Client::builder(none).build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(Client::new("not a url"), Err(Error::Config(_))));
    assert!(matches!(Client::new("ftp://host/"), Err(Error::Config(_))));
    assert!(Client::new("https://registry.example:8081/prefix/").is_ok());
}
