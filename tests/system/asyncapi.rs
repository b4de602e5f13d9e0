//! AsyncAPI documents through HTTP (issue 7, Done-when 3 and 5): versions published, a breaking version refused with
//! 409 and a report naming the change, payloads linked to missing subjects refused with 422, `usages` listing the
//! documents that link a subject, and hostile documents each answered with a clear 4xx while the server keeps serving.

use accord_tests::{Api, Reply, one_field_record};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::bad_input::{assert_error, assert_still_serving};
use crate::{Backend, server_on};

on_both_backends!(async: versions_are_published_and_a_breaking_change_is_refused, payload_links_are_checked_and_listed_as_usages, hostile_documents_are_clear_4xx);

/// Version 1: one channel the application sends on.
const V1: &str = r#"asyncapi: 3.0.0
info:
  title: Users
  version: 1.0.0
  description: Events about users.
  contact: {name: Users team, email: users@example.com}
channels:
  userSignedUp:
    address: user.signedup
    description: Users who signed up.
    messages:
      userSignedUp:
        $ref: '#/components/messages/UserSignedUp'
operations:
  sendUserSignedUp:
    action: send
    description: Announces each sign-up.
    channel: {$ref: '#/channels/userSignedUp'}
    messages:
      - $ref: '#/channels/userSignedUp/messages/userSignedUp'
components:
  messages:
    UserSignedUp:
      name: userSignedUp
      description: A user signed up.
      payload:
        type: object
        properties:
          name: {type: string}
          email: {type: string}
"#;

/// Version 2: version 1 plus a second channel and operation (nothing consumers rely on goes away).
fn v2() -> String {
    let extra_channel = r#"  userDeleted:
    address: user.deleted
    description: Users who left.
    messages:
      userDeleted:
        $ref: '#/components/messages/UserDeleted'
operations:
"#;
    let extra_operation = r#"  sendUserDeleted:
    action: send
    description: Announces each deletion.
    channel: {$ref: '#/channels/userDeleted'}
    messages:
      - $ref: '#/channels/userDeleted/messages/userDeleted'
components:
  messages:
    UserDeleted:
      name: userDeleted
      description: A user left.
      payload:
        type: object
        properties:
          name: {type: string}
"#;
    V1.replacen("operations:\n", extra_channel, 1).replacen(
        "components:\n  messages:\n",
        extra_operation,
        1,
    )
}

/// Version 3: version 2 without the `userSignedUp` channel and its operation, which its consumers receive from.
fn v3() -> String {
    let v2 = v2();
    let channel_start = v2.find("  userSignedUp:\n").expect("channel");
    let channel_end = v2.find("  userDeleted:\n").expect("next channel");
    let op_start = v2.find("  sendUserSignedUp:\n").expect("operation");
    let op_end = v2.find("  sendUserDeleted:\n").expect("next operation");
    format!(
        "{}{}{}",
        &v2[..channel_start],
        &v2[channel_end..op_start],
        &v2[op_end..]
    )
}

/// `POST /accord/v1/asyncapi/{name}/versions` with `text` as `content_type`.
async fn post_document(
    base: &str,
    name: &str,
    text: impl Into<reqwest::Body>,
    content_type: &str,
) -> Reply {
    let response = reqwest::Client::new()
        .post(format!("{base}/accord/v1/asyncapi/{name}/versions"))
        .header(CONTENT_TYPE, content_type)
        .body(text)
        .send()
        .await
        .expect("POST a document");
    reply(response).await
}

async fn get_with_accept(base: &str, path: &str, accept: &str) -> (u16, String, String) {
    let response = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header(ACCEPT, accept)
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, content_type, response.text().await.expect("body"))
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply { status, body }
}

async fn versions_are_published_and_a_breaking_change_is_refused(backend: Backend) {
    let server = server_on(backend, &[]);
    let base = server.url();
    let api = Api::new(base);

    let first = post_document(base, "users", V1, "application/yaml").await;
    assert_eq!(first.status, 200, "v1: {first}");
    assert_eq!(first.body["name"], "users");
    assert_eq!(first.body["version"], 1, "{first}");
    let warned: Vec<(&str, &str)> = first.body["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| Some((w["rule"].as_str()?, w["severity"].as_str()?)))
        .collect();
    assert!(
        warned.contains(&("payload-linked-to-registry", "warning")),
        "governance warnings are reported, not refused: {first}"
    );
    let again = post_document(base, "users", V1, "application/yaml").await;
    assert_eq!(
        again.body["version"], 1,
        "re-posting the latest content answers its version: {again}"
    );

    let second = post_document(base, "users", v2(), "application/x-yaml").await;
    assert_eq!(second.status, 200, "v2 is compatible: {second}");
    assert_eq!(second.body["version"], 2);
    let changes = second.body["changes"].as_array().expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c["kind"] == "channel-added" && c["classification"] != "breaking"),
        "v2 reports the added channel as non-breaking: {second}"
    );

    let third = post_document(base, "users", v3(), "text/yaml").await;
    assert_error(&third, &[409], Some(409), "a breaking v3");
    let breaking = third.body["changes"]
        .as_array()
        .expect("a report of changes");
    let removed = breaking
        .iter()
        .find(|c| c["kind"] == "channel-removed")
        .unwrap_or_else(|| panic!("the report names the removed channel: {third}"));
    assert_eq!(removed["classification"], "breaking");
    assert!(
        removed["pointer"]
            .as_str()
            .is_some_and(|p| p.contains("userSignedUp")),
        "{third}"
    );
    assert!(
        third
            .message()
            .is_some_and(|m| m.contains("channel-removed")),
        "{third}"
    );

    let versions = api
        .get("/accord/v1/asyncapi/users/versions")
        .await
        .expect("GET versions");
    assert_eq!(versions.body, json!([1, 2]), "{versions}");
    let names = api.get("/accord/v1/asyncapi").await.expect("GET names");
    assert_eq!(names.body, json!(["users"]), "{names}");

    // Served as stored (YAML), or as JSON when asked.
    let (status, content_type, text) =
        get_with_accept(base, "/accord/v1/asyncapi/users/versions/1", "*/*").await;
    assert_eq!((status, text.as_str()), (200, V1), "{content_type}");
    assert!(content_type.contains("yaml"), "{content_type}");
    let (status, content_type, text) = get_with_accept(
        base,
        "/accord/v1/asyncapi/users/versions/latest",
        "application/json",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let latest: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(latest["channels"]["userDeleted"]["address"], "user.deleted");

    // The compatibility setting: NONE lets the breaking version in.
    let config = api
        .get("/accord/v1/asyncapi/users/config")
        .await
        .expect("GET config");
    assert_eq!(config.body["compatibility"], "BACKWARD", "{config}");
    let bad_level = api
        .put(
            "/accord/v1/asyncapi/users/config",
            &json!({"compatibility": "SIDEWAYS"}),
        )
        .await
        .expect("PUT config");
    assert_error(&bad_level, &[422], Some(42203), "an unknown level");
    let none = api
        .put(
            "/accord/v1/asyncapi/users/config",
            &json!({"compatibility": "none"}),
        )
        .await
        .expect("PUT config");
    assert_eq!(none.body, json!({"compatibility": "NONE"}), "{none}");
    let third = post_document(base, "users", v3(), "application/vnd.aai.asyncapi+yaml").await;
    assert_eq!(third.status, 200, "v3 under NONE: {third}");
    assert_eq!(third.body["version"], 3);

    // Deletes: soft first, then permanent.
    let hard_first = api
        .delete("/accord/v1/asyncapi/users/versions/3?permanent=true")
        .await
        .expect("DELETE");
    assert_error(
        &hard_first,
        &[404],
        Some(40407),
        "a permanent delete of a live version",
    );
    let soft = api
        .delete("/accord/v1/asyncapi/users/versions/3")
        .await
        .expect("DELETE");
    assert_eq!(soft.body, json!(3), "{soft}");
    let gone = api
        .get("/accord/v1/asyncapi/users/versions/3")
        .await
        .expect("GET");
    assert_error(&gone, &[404], Some(40402), "a soft-deleted version");
    let hard = api
        .delete("/accord/v1/asyncapi/users/versions/3?permanent=true")
        .await
        .expect("DELETE");
    assert_eq!(hard.body, json!(3), "{hard}");
    let all = api
        .delete("/accord/v1/asyncapi/users")
        .await
        .expect("DELETE");
    assert_eq!(all.body, json!([1, 2]), "{all}");
    let names = api.get("/accord/v1/asyncapi").await.expect("GET names");
    assert_eq!(names.body, json!([]), "{names}");
}

/// A document whose message payload links subject `orders-value` version 1 of the registry.
const LINKED: &str = r##"{
  "asyncapi": "3.0.0",
  "info": {"title": "Orders", "version": "1.0.0", "description": "Orders.",
           "contact": {"name": "Orders team", "email": "orders@example.com"}},
  "channels": {
    "orders": {
      "address": "orders",
      "description": "Placed orders.",
      "messages": {
        "order": {
          "name": "order",
          "description": "An order.",
          "payload": {
            "schemaFormat": "application/vnd.apache.avro+json;version=1.9.0",
            "schema": {"$ref": "subjects/orders-value/versions/1"}
          }
        }
      }
    }
  },
  "operations": {
    "receiveOrders": {
      "action": "receive",
      "description": "Handles each order.",
      "channel": {"$ref": "#/channels/orders"},
      "messages": [{"$ref": "#/channels/orders/messages/order"}]
    }
  }
}"##;

async fn payload_links_are_checked_and_listed_as_usages(backend: Backend) {
    let server = server_on(backend, &[]);
    let base = server.url();
    let api = Api::new(base);

    let missing = post_document(base, "orders", LINKED, "application/json").await;
    assert_error(
        &missing,
        &[422],
        Some(42201),
        "a link to a subject the registry does not have",
    );
    assert!(
        missing
            .message()
            .is_some_and(|m| m.contains("orders-value")),
        "the error names the subject: {missing}"
    );

    let schema = one_field_record("com.example", "Order", "id", "string");
    let registered = api
        .post(
            "/subjects/orders-value/versions",
            &json!({"schema": schema}),
        )
        .await
        .expect("register");
    assert_eq!(registered.status, 200, "{registered}");

    let unused = api
        .get("/accord/v1/subjects/orders-value/usages")
        .await
        .expect("GET usages");
    assert_eq!(unused.body, json!([]), "{unused}");
    let linked = post_document(base, "orders", LINKED, "application/vnd.aai.asyncapi+json").await;
    assert_eq!(linked.status, 200, "{linked}");
    let usages = api
        .get("/accord/v1/subjects/orders-value/usages")
        .await
        .expect("GET usages");
    assert_eq!(
        usages.body,
        json!([{
            "document": "orders",
            "version": 1,
            "subjectVersion": 1,
            "message": "orders/order",
            "channel": "orders",
            "operation": "receiveOrders",
            "action": "receive"
        }]),
        "{usages}"
    );

    // Served as stored (JSON), or as YAML when asked.
    let (status, content_type, text) = get_with_accept(
        base,
        "/accord/v1/asyncapi/orders/versions/1",
        "application/yaml",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(content_type, "application/yaml");
    assert!(text.contains("\"asyncapi\": \"3.0.0\""), "{text}");

    // Governance rules are configured per document name; error-severity findings refuse the version.
    let bad_rules = api
        .put(
            "/accord/v1/asyncapi/strict/config",
            &json!({"lintRules": {"rules": {"no-such-rule": "error"}}}),
        )
        .await
        .expect("PUT config");
    assert_error(&bad_rules, &[422], Some(422), "an unknown lint rule");
    let strict = api
        .put(
            "/accord/v1/asyncapi/strict/config",
            &json!({"lintRules": {"rules": {"info-contact": "error"}}}),
        )
        .await
        .expect("PUT config");
    assert_eq!(strict.status, 200, "{strict}");
    let ownerless = LINKED.replace(
        r#""contact": {"name": "Orders team", "email": "orders@example.com"}"#,
        r#""x-owner": "nobody""#,
    );
    assert_ne!(ownerless, LINKED);
    let refused = post_document(base, "strict", ownerless.clone(), "application/json").await;
    assert_error(
        &refused,
        &[422],
        Some(42201),
        "a document failing an error-severity rule",
    );
    assert!(
        refused.body["diagnostics"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["rule"] == "info-contact" && d["severity"] == "error")),
        "{refused}"
    );
    let elsewhere = post_document(base, "lenient", ownerless.clone(), "application/json").await;
    assert_eq!(
        elsewhere.status, 200,
        "other names keep the recommended rules: {elsewhere}"
    );

    // Registry-wide defaults apply to every name without its own setting, field by field.
    let defaults = api
        .get("/accord/v1/asyncapi/config")
        .await
        .expect("GET defaults");
    assert_eq!(
        defaults.body,
        json!({"compatibility": "BACKWARD"}),
        "{defaults}"
    );
    let global = api
        .put(
            "/accord/v1/asyncapi/config",
            &json!({"compatibility": "FULL", "lintRules": {"rules": {"info-contact": "error"}}}),
        )
        .await
        .expect("PUT defaults");
    assert_eq!(global.status, 200, "{global}");
    let inherited = api
        .get("/accord/v1/asyncapi/governed/config")
        .await
        .expect("GET config");
    assert_eq!(inherited.body["compatibility"], "FULL", "{inherited}");
    let refused = post_document(base, "governed", ownerless.clone(), "application/json").await;
    assert_error(&refused, &[422], Some(42201), "the registry-wide rules");
    let own = api
        .put(
            "/accord/v1/asyncapi/governed/config",
            &json!({"lintRules": {"rules": {"info-contact": "warning"}}}),
        )
        .await
        .expect("PUT config");
    assert_eq!(own.status, 200, "{own}");
    let accepted = post_document(base, "governed", ownerless, "application/json").await;
    assert_eq!(accepted.status, 200, "a name's own rules win: {accepted}");
    let own = api
        .get("/accord/v1/asyncapi/governed/config")
        .await
        .expect("GET config");
    assert_eq!(
        own.body["compatibility"], "FULL",
        "unset fields still come from the defaults: {own}"
    );
    // Deleting settings returns what was stored and brings the defaults back.
    let forgotten = api
        .delete("/accord/v1/asyncapi/governed/config")
        .await
        .expect("DELETE config");
    assert_eq!(
        forgotten.body,
        json!({"lintRules": {"rules": {"info-contact": "warning"}}}),
        "{forgotten}"
    );
    let again = api
        .delete("/accord/v1/asyncapi/governed/config")
        .await
        .expect("DELETE config");
    assert_error(&again, &[404], Some(40408), "settings already deleted");
    let forgotten = api
        .delete("/accord/v1/asyncapi/config")
        .await
        .expect("DELETE defaults");
    assert_eq!(forgotten.body["compatibility"], "FULL", "{forgotten}");
    let built_in = api
        .get("/accord/v1/asyncapi/governed/config")
        .await
        .expect("GET config");
    assert_eq!(
        built_in.body,
        json!({"compatibility": "BACKWARD"}),
        "{built_in}"
    );
    let reserved = post_document(base, "config", LINKED.to_string(), "application/json").await;
    assert_error(
        &reserved,
        &[422],
        None,
        "a document named like a fixed route",
    );
    let deleted = api
        .delete("/accord/v1/asyncapi/governed")
        .await
        .expect("DELETE");
    assert_eq!(deleted.body, json!([1]), "{deleted}");

    // A soft-deleted document no longer counts.
    let deleted = api
        .delete("/accord/v1/asyncapi/orders")
        .await
        .expect("DELETE");
    assert_eq!(deleted.body, json!([1]), "{deleted}");
    let deleted = api
        .delete("/accord/v1/asyncapi/lenient")
        .await
        .expect("DELETE");
    assert_eq!(deleted.body, json!([1]), "{deleted}");
    let usages = api
        .get("/accord/v1/subjects/orders-value/usages")
        .await
        .expect("GET usages");
    assert_eq!(usages.body, json!([]), "{usages}");
}

async fn hostile_documents_are_clear_4xx(backend: Backend) {
    // A body limit above 20 MiB, so that the document parser's own size limit answers (over the default 8 MiB body limit
    // the answer is 413 before parsing, which `bad_input::oversized_body_is_413` covers).
    let mut server = server_on(backend, &["--max-body-bytes", "67108864"]);
    let base = server.url().to_string();
    let api = Api::new(&base);

    let mut bomb = String::from("asyncapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        bomb.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            vec![previous; 10].join(", ")
        ));
    }
    let deep = format!(
        "asyncapi: 3.0.0\ninfo: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let duplicate =
        "asyncapi: 3.0.0\ninfo: {title: a, title: b, version: '1'}\nchannels: {}\n".to_string();
    let external = |target: &str| {
        format!(
            "asyncapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nchannels:\n  c:\n    address: c\n    messages:\n      m:\n        payload: {{$ref: '{target}'}}\n"
        )
    };
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("a YAML alias bomb", bomb, Some("yaml-alias-budget")),
        ("10,000-level nesting", deep, Some("document-too-deep")),
        ("duplicate keys", duplicate, Some("duplicate-key")),
        (
            "a $ref to http://",
            external("http://example.com/schema.json"),
            Some("external-ref-not-fetched"),
        ),
        (
            "a $ref to file:///etc/passwd",
            external("file:///etc/passwd"),
            Some("external-ref-not-fetched"),
        ),
    ];
    for (what, text, rule) in cases {
        let reply = post_document(&base, "hostile", text, "application/yaml").await;
        assert_error(&reply, &[422], Some(42201), what);
        if let Some(rule) = rule {
            let rules: Vec<&str> = reply.body["diagnostics"]
                .as_array()
                .map(|d| d.iter().filter_map(|d| d["rule"].as_str()).collect())
                .unwrap_or_default();
            assert!(
                rules.contains(&rule),
                "{what}: expected rule {rule} in {reply}"
            );
        }
        assert_still_serving(&mut server, &api).await;
    }

    let huge = format!(
        "asyncapi: 3.0.0\ninfo: {{title: '{}', version: '1'}}\n",
        "x".repeat(20 * 1024 * 1024)
    );
    let reply = post_document(&base, "hostile", huge, "application/yaml").await;
    assert_error(&reply, &[422], Some(42201), "a 20 MiB document");
    assert!(
        reply.body["diagnostics"][0]["rule"] == "document-too-large",
        "{reply}"
    );
    assert_still_serving(&mut server, &api).await;

    let reply = post_document(&base, "hostile", "asyncapi: 3.0.0", "text/plain").await;
    assert_error(&reply, &[415], Some(415), "an unsupported content type");
    let reply = post_document(&base, "hostile", "", "application/yaml").await;
    assert_error(&reply, &[422], Some(422), "an empty body");
    let names = api.get("/accord/v1/asyncapi").await.expect("GET names");
    assert_eq!(names.body, json!([]), "nothing hostile was stored: {names}");
}
