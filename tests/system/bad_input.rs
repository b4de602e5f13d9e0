//! Bad input, one test per row of DESIGN.md §9 that applies so far: malformed JSON, unparsable schema, unknown subject, version and ID,
//! incompatible schema, oversized body and over-deep nesting.
//!
//! Each answer must be the listed status with a Confluent error body (`error_code` and a non-empty `message`),
//! and the server must still answer afterwards. Every test runs on both backends.

use accord_tests::{Api, Reply, TestServer};
use serde_json::json;

use crate::{Backend, server_on};

on_both_backends!(async: malformed_json_is_400, unparsable_schema_is_422_42201, unknown_subject_version_and_id_are_404, incompatible_schema_is_409_with_every_violation, oversized_body_is_413, over_deep_nesting_is_rejected_clearly);

/// The body limit of the servers that test the limits: small enough to exceed cheaply, big enough for the deep schemas below.
const BODY_LIMIT: usize = 256 * 1024;

/// Asserts a Confluent error body with a status from `statuses` and, when given, that `error_code`.
pub(crate) fn assert_error(reply: &Reply, statuses: &[u16], error_code: Option<i64>, what: &str) {
    assert!(
        statuses.contains(&reply.status),
        "{what}: expected status {statuses:?}, got {reply}"
    );
    let code = reply.error_code().unwrap_or_else(|| {
        panic!("{what}: expected a Confluent error body with an integer error_code, got {reply}")
    });
    if let Some(expected) = error_code {
        assert_eq!(code, expected, "{what}: error_code, in {reply}");
    }
    assert!(
        reply
            .message()
            .is_some_and(|message| !message.trim().is_empty()),
        "{what}: expected a non-empty message, got {reply}"
    );
}

/// Asserts that the process still runs and answers `GET /`.
pub(crate) async fn assert_still_serving(server: &mut TestServer, api: &Api) {
    assert_eq!(
        server.exit_status(),
        None,
        "the server exited\n--- server stderr ---\n{}",
        server.stderr()
    );
    let reply = api.get("/").await.expect("GET / after bad input");
    assert_eq!(reply.status, 200, "GET / after bad input: {reply}");
}

async fn malformed_json_is_400(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    for body in [
        "{\"schema\": ",
        "not json",
        "{\"schema\": \"\\\"string\\\"\",}",
    ] {
        let reply = api
            .post_raw("/subjects/bad-json-value/versions", body)
            .await
            .expect("POST");
        assert_error(
            &reply,
            &[400],
            Some(400),
            &format!("register with body {body:?}"),
        );
    }
    let reply = api
        .put("/config", &json!("not an object"))
        .await
        .expect("PUT");
    assert_error(
        &reply,
        &[400, 422],
        None,
        "PUT /config with a JSON string body",
    );
    assert_still_serving(&mut server, &api).await;
}

async fn unparsable_schema_is_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let schemas = [
        "not json at all",
        r#"{"type":"recrod","name":"X","fields":[]}"#,
        r#"{"type":"record","name":"X"}"#,
        r#"{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"zero"}]}"#,
        r#"{"type":"enum","name":"E","symbols":["A","A"]}"#,
        r#"{"type":"record","name":"X","fields":[{"name":"a","type":"Missing"}]}"#,
    ];
    for schema in schemas {
        let reply = api
            .post(
                // With `normalize=true` Confluent also validates defaults (the invalid
                // `"zero"` default is accepted without it, as Confluent 7.9 does).
                "/subjects/bad-schema-value/versions?normalize=true",
                &json!({"schema": schema}),
            )
            .await
            .expect("POST");
        assert_error(&reply, &[422], Some(42201), &format!("register {schema}"));
    }
    assert_still_serving(&mut server, &api).await;
}

async fn unknown_subject_version_and_id_are_404(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let cases = [
        ("/subjects/missing-value/versions", 40401),
        ("/subjects/missing-value/versions/1", 40401),
        ("/subjects/missing-value/versions/latest", 40401),
    ];
    for (path, code) in cases {
        let reply = api.get(path).await.expect("GET");
        assert_error(&reply, &[404], Some(code), &format!("GET {path}"));
    }

    let reply = api
        .post(
            "/subjects/present-value/versions",
            &json!({"schema": "\"string\""}),
        )
        .await
        .expect("POST");
    assert_eq!(reply.status, 200, "register \"string\": {reply}");
    let id = reply.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {reply}"));

    let reply = api
        .get("/subjects/present-value/versions/2")
        .await
        .expect("GET");
    assert_error(&reply, &[404], Some(40402), "GET a version past the last");
    let reply = api
        .delete("/subjects/present-value/versions/7")
        .await
        .expect("DELETE");
    assert_error(&reply, &[404], Some(40402), "DELETE an unknown version");
    let unknown = id + 1000;
    let reply = api
        .get(&format!("/schemas/ids/{unknown}"))
        .await
        .expect("GET");
    assert_error(&reply, &[404], Some(40403), "GET an unknown schema id");
    let reply = api
        .post("/subjects/present-value", &json!({"schema": "\"int\""}))
        .await
        .expect("POST");
    assert_error(&reply, &[404], Some(40403), "look up unregistered content");
    assert_still_serving(&mut server, &api).await;
}

async fn incompatible_schema_is_409_with_every_violation(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let reply = api
        .put(
            "/config/incompatible-value",
            &json!({"compatibility": "BACKWARD"}),
        )
        .await
        .expect("PUT");
    assert_eq!(reply.status, 200, "PUT /config/incompatible-value: {reply}");
    let old = json!({"type": "record", "name": "R", "fields": [
        {"name": "a", "type": "string"},
        {"name": "b", "type": "string"},
    ]});
    let reply = api
        .post(
            "/subjects/incompatible-value/versions",
            &json!({"schema": old.to_string()}),
        )
        .await
        .expect("POST");
    assert_eq!(reply.status, 200, "register the first version: {reply}");

    // Both fields change type, so there are two violations to list.
    let new = json!({"type": "record", "name": "R", "fields": [
        {"name": "a", "type": "int"},
        {"name": "b", "type": "int"},
    ]});
    let reply = api
        .post(
            "/subjects/incompatible-value/versions",
            &json!({"schema": new.to_string()}),
        )
        .await
        .expect("POST");
    assert_error(
        &reply,
        &[409],
        Some(409),
        "register an incompatible version",
    );
    let message = reply.message().unwrap_or_default();
    assert!(
        message.contains("/fields/0") && message.contains("/fields/1"),
        "the 409 message must list every violation with its path (Confluent's format), got: {message}"
    );
    let reply = api
        .get("/subjects/incompatible-value/versions")
        .await
        .expect("GET");
    assert_eq!(
        reply.body,
        json!([1]),
        "the rejected schema must not be stored: {reply}"
    );
    assert_still_serving(&mut server, &api).await;
}

async fn oversized_body_is_413(backend: Backend) {
    let limit = BODY_LIMIT.to_string();
    let mut server = server_on(backend, &["--max-body-bytes", &limit]);
    let api = Api::new(server.url());
    let doc = "x".repeat(BODY_LIMIT + 1024);
    let schema = json!({"type": "record", "name": "Big", "doc": doc, "fields": []}).to_string();
    let reply = api
        .post(
            "/subjects/oversized-value/versions",
            &json!({"schema": schema}),
        )
        .await
        .expect("POST");
    assert_error(
        &reply,
        &[413],
        None,
        "register a body over --max-body-bytes",
    );
    let reply = api
        .get("/subjects/oversized-value/versions")
        .await
        .expect("GET");
    assert_error(
        &reply,
        &[404],
        Some(40401),
        "the subject of the rejected body",
    );
    assert_still_serving(&mut server, &api).await;
}

async fn over_deep_nesting_is_rejected_clearly(backend: Backend) {
    let limit = BODY_LIMIT.to_string();
    let mut server = server_on(backend, &["--max-body-bytes", &limit]);
    let api = Api::new(server.url());

    // 5,000 nested Avro arrays: valid JSON, far over any sensible schema depth, and under the body limit.
    let depth = 5_000;
    let arrays = format!(
        "{}\"string\"{}",
        "{\"type\":\"array\",\"items\":".repeat(depth),
        "}".repeat(depth)
    );
    let body = json!({"schema": arrays}).to_string();
    assert!(
        body.len() < BODY_LIMIT,
        "the nested-arrays body must fit the limit"
    );
    let reply = api
        .post_raw("/subjects/deep-value/versions", body)
        .await
        .expect("POST");
    assert_error(
        &reply,
        &[413, 422],
        None,
        "register 5,000 nested Avro arrays",
    );
    let message = reply.message().unwrap_or_default().to_lowercase();
    assert!(
        ["depth", "deep", "nest"]
            .iter()
            .any(|word| message.contains(word)),
        "the message for an over-deep schema should say that it is nested too deeply, got: {message}"
    );

    // 100,000 nested JSON arrays inside the schema string: the schema's JSON parser must not overflow its stack.
    let brackets = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let reply = api
        .post(
            "/subjects/deep-value/versions",
            &json!({"schema": brackets}),
        )
        .await
        .expect("POST");
    assert_error(
        &reply,
        &[413, 422],
        None,
        "register 100,000 nested JSON arrays as a schema",
    );

    // 100,000 nested JSON arrays in the request body itself.
    let body = format!(
        "{{\"schema\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let reply = api
        .post_raw("/subjects/deep-value/versions", body)
        .await
        .expect("POST");
    assert_error(
        &reply,
        &[400, 413, 422],
        None,
        "a request body nested 100,000 deep",
    );

    let reply = api.get("/subjects/deep-value/versions").await.expect("GET");
    assert_error(
        &reply,
        &[404],
        Some(40401),
        "the subject of the rejected schemas",
    );
    assert_still_serving(&mut server, &api).await;
}
