//! Bad Protobuf and JSON Schema input over HTTP: syntax errors, unknown types, missing imports, import and `$ref` cycles,
//! duplicate or invalid declarations, invalid meta-schema use, `$ref`s to the network or the filesystem, huge and deeply nested schemas.
//!
//! Each rejection must be 422 / 42201 (or, for sheer size, another 4xx) with a Confluent error body whose message
//! names the reason, within a bounded time, and the server must still answer afterwards. Nothing may be fetched: the
//! `$ref` tests point at a TCP listener of their own and assert that it received no connection.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use accord_tests::{Api, Reply};
use serde_json::{Value, json};

use crate::bad_input::{assert_error, assert_still_serving};
use crate::{Backend, server_on};

on_both_backends!(async:
    protobuf_syntax_error_names_the_location,
    protobuf_unknown_type_is_422_42201,
    protobuf_missing_import_is_422_42201,
    protobuf_import_cycle_is_422_42201,
    protobuf_descriptor_errors_are_422_42201,
    protobuf_huge_and_deep_files_are_bounded,
    json_schema_invalid_keyword_use_is_422_42201,
    json_schema_never_fetches_a_ref,
    json_schema_reference_cycles_are_422_42201,
    json_schema_deep_nesting_is_rejected_clearly,
);

/// The most any one of these requests may take: far above a correct answer, far below a hang.
const BOUNDED: Duration = Duration::from_secs(20);

const PROTO_HEADER: &str = "syntax = \"proto3\";\npackage bad.input;\n";

/// `POST /subjects/{subject}/versions` of `schema` as `schema_type` with `references`, within [`BOUNDED`].
async fn register(
    api: &Api,
    subject: &str,
    schema_type: &str,
    schema: &str,
    references: Value,
) -> Reply {
    let body = json!({"schemaType": schema_type, "schema": schema, "references": references});
    let started = Instant::now();
    let reply = api
        .post(&format!("/subjects/{subject}/versions"), &body)
        .await
        .unwrap_or_else(|err| panic!("register under {subject}: {err}"));
    let elapsed = started.elapsed();
    assert!(
        elapsed < BOUNDED,
        "registering under {subject} took {elapsed:?}: {reply}"
    );
    reply
}

async fn register_proto(api: &Api, subject: &str, text: &str, references: Value) -> Reply {
    register(api, subject, "PROTOBUF", text, references).await
}

async fn register_json(api: &Api, subject: &str, schema: &Value) -> Reply {
    register(api, subject, "JSON", &schema.to_string(), json!([])).await
}

/// Asserts 422 / 42201 and that the message contains (case-insensitively) every one of `words`.
fn assert_invalid(reply: &Reply, words: &[&str], what: &str) {
    assert_error(reply, &[422], Some(42201), what);
    let message = reply.message().unwrap_or_default().to_lowercase();
    for word in words {
        assert!(
            message.contains(&word.to_lowercase()),
            "{what}: the message should name {word:?}, got: {message}"
        );
    }
}

/// Asserts a 200 with an `id`, for the valid schemas the bad ones are built on.
fn assert_registered(reply: &Reply, what: &str) {
    assert!(
        reply.status == 200 && reply.body["id"].is_i64(),
        "{what}: expected 200 with an id, got {reply}"
    );
}

/// Asserts that `subject` holds no version: the rejected schemas were not stored.
async fn assert_no_subject(api: &Api, subject: &str) {
    let reply = api
        .get(&format!("/subjects/{subject}/versions"))
        .await
        .expect("GET versions");
    assert_error(
        &reply,
        &[404],
        Some(40401),
        &format!("the subject {subject} of rejected schemas"),
    );
}

async fn protobuf_syntax_error_names_the_location(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    // Line 3, the first line after the header, lacks the `;` after `= 1`.
    let text = format!("{PROTO_HEADER}message A {{ string a = 1 }}\n");
    let reply = register_proto(&api, "proto-syntax-value", &text, json!([])).await;
    assert_invalid(
        &reply,
        &["3:", "expected"],
        "a .proto with a missing ';' on line 3",
    );
    let reply = register_proto(&api, "proto-syntax-value", "message {", json!([])).await;
    assert_invalid(&reply, &[], "an unterminated message without a name");
    assert_no_subject(&api, "proto-syntax-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn protobuf_unknown_type_is_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let text = format!("{PROTO_HEADER}message A {{\n  Missing a = 1;\n}}\n");
    let reply = register_proto(&api, "proto-unknown-value", &text, json!([])).await;
    assert_invalid(&reply, &["Missing", "at 4:3"], "a field of an unknown type");
    let text =
        format!("{PROTO_HEADER}service S {{\n  rpc Call(Nope) returns (A);\n}}\nmessage A {{}}\n");
    let reply = register_proto(&api, "proto-unknown-value", &text, json!([])).await;
    assert_invalid(&reply, &["Nope", "at 4:7"], "an rpc taking an unknown type");
    assert_no_subject(&api, "proto-unknown-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn protobuf_missing_import_is_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    // An import with neither a reference nor a built-in file behind it, whose type a field uses.
    let text = format!(
        "{PROTO_HEADER}import \"nowhere/other.proto\";\nmessage A {{\n  other.Thing thing = 1;\n}}\n"
    );
    let reply = register_proto(&api, "proto-missing-value", &text, json!([])).await;
    assert_error(
        &reply,
        &[422],
        Some(42201),
        "a field of a type from a missing import",
    );
    let message = reply.message().unwrap_or_default();
    assert!(
        message.contains("other.Thing") || message.contains("nowhere/other.proto"),
        "the message should name the unresolved type or the missing import, got: {message}"
    );
    // A reference to a subject that does not exist.
    let references =
        json!([{"name": "nowhere/other.proto", "subject": "proto-absent", "version": 1}]);
    let reply = register_proto(&api, "proto-missing-value", &text, references).await;
    assert_invalid(
        &reply,
        &["proto-absent"],
        "a reference to an absent subject",
    );
    assert_no_subject(&api, "proto-missing-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn protobuf_import_cycle_is_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    // Two subjects cannot reference each other (a reference names an existing version), but their texts can import
    // each other's reference names: each alone is valid (an unused, unresolved import), together they are a cycle.
    let b = "syntax = \"proto3\";\npackage cyc.b;\nimport \"cyc/c.proto\";\nmessage B {\n  string s = 1;\n}\n";
    let c = "syntax = \"proto3\";\npackage cyc.c;\nimport \"cyc/b.proto\";\nmessage C {\n  string s = 1;\n}\n";
    let reply = register_proto(&api, "cyc-b", b, json!([])).await;
    assert_registered(&reply, "cyc/b.proto alone");
    let reply = register_proto(&api, "cyc-c", c, json!([])).await;
    assert_registered(&reply, "cyc/c.proto alone");
    let root =
        format!("{PROTO_HEADER}import \"cyc/b.proto\";\nmessage Root {{\n  cyc.b.B b = 1;\n}}\n");
    let references = json!([
        {"name": "cyc/b.proto", "subject": "cyc-b", "version": 1},
        {"name": "cyc/c.proto", "subject": "cyc-c", "version": 1},
    ]);
    let reply = register_proto(&api, "proto-cycle-value", &root, references).await;
    assert_invalid(
        &reply,
        &["cycle", "cyc/b.proto", "cyc/c.proto"],
        "references whose texts import each other",
    );

    // A referenced file that imports itself by its reference name.
    let selfish = "syntax = \"proto3\";\npackage cyc.s;\nimport \"cyc/self.proto\";\nmessage S {\n  string s = 1;\n}\n";
    let reply = register_proto(&api, "cyc-self", selfish, json!([])).await;
    assert_registered(&reply, "cyc/self.proto alone");
    let root = format!(
        "{PROTO_HEADER}import \"cyc/self.proto\";\nmessage Root {{\n  cyc.s.S s = 1;\n}}\n"
    );
    let references = json!([{"name": "cyc/self.proto", "subject": "cyc-self", "version": 1}]);
    let reply = register_proto(&api, "proto-cycle-value", &root, references).await;
    assert_invalid(
        &reply,
        &["cycle", "cyc/self.proto"],
        "a reference whose text imports itself",
    );
    assert_no_subject(&api, "proto-cycle-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn protobuf_huge_and_deep_files_are_bounded(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());

    // 10,000 top-level messages (about 450 KB): a 200, or a clear 4xx if a limit applies.
    let mut many = PROTO_HEADER.to_string();
    for index in 0..10_000 {
        many.push_str(&format!(
            "message M{index} {{\n  string a = 1;\n  int32 b = 2;\n}}\n"
        ));
    }
    let reply = register_proto(&api, "proto-many-value", &many, json!([])).await;
    if reply.status == 200 {
        let first = reply.body["id"].clone();
        // Registering it again hashes and compares it again, still within the bound, and finds the same id.
        let again = register_proto(&api, "proto-many-value", &many, json!([])).await;
        assert_eq!(
            again.body["id"], first,
            "the 10,000-message file registered again: {again}"
        );
        let started = Instant::now();
        let read = api
            .get("/subjects/proto-many-value/versions/1/schema")
            .await
            .expect("GET");
        assert!(
            read.status == 200 && started.elapsed() < BOUNDED,
            "read the 10,000-message file back: {read}"
        );
    } else {
        assert_error(&reply, &[400, 413, 422], None, "a file of 10,000 messages");
    }

    // 5,000 levels of nested messages.
    let depth = 5_000;
    let mut deep = PROTO_HEADER.to_string();
    for level in 0..depth {
        deep.push_str(&format!("message N{level} {{\n"));
    }
    deep.push_str("string leaf = 1;\n");
    deep.push_str(&"}\n".repeat(depth));
    let reply = register_proto(&api, "proto-deep-value", &deep, json!([])).await;
    if reply.status != 200 {
        assert_error(
            &reply,
            &[400, 413, 422],
            None,
            "5,000 levels of nested messages",
        );
    }

    // An option value nested 5,000 levels deep (a message literal).
    let option = format!(
        "{PROTO_HEADER}import \"google/protobuf/descriptor.proto\";\nmessage A {{\n  string a = 1 [(x) = {}1{}];\n}}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    let reply = register_proto(&api, "proto-deep-option-value", &option, json!([])).await;
    assert_error(
        &reply,
        &[400, 413, 422],
        None,
        "an option value nested 5,000 levels deep",
    );
    assert_still_serving(&mut server, &api).await;
}

async fn json_schema_invalid_keyword_use_is_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let cases = [
        (json!({"type": 5}), ["type", "#/type"]),
        (
            json!({"type": "object", "required": "x"}),
            ["required", "#/required"],
        ),
        (
            json!({"type": "object", "properties": 3}),
            ["properties", "#/properties"],
        ),
        (
            json!({"type": "object", "properties": {"a": {"minLength": "two"}}}),
            ["minLength", "#/properties/a/minLength"],
        ),
        (
            json!({"type": "array", "items": {"type": "nope"}}),
            ["type", "#/items/type"],
        ),
    ];
    for (schema, words) in cases {
        let reply = register_json(&api, "json-meta-value", &schema).await;
        assert_invalid(&reply, &words, &format!("register {schema}"));
    }
    assert_no_subject(&api, "json-meta-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn json_schema_never_fetches_a_ref(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    // A listener that would see any fetch, serving nothing.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a listener");
    listener
        .set_nonblocking(true)
        .expect("make the listener non-blocking");
    let port = listener.local_addr().expect("listener address").port();
    // A file that would make the schema valid if it were read.
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let file = dir.path().join("string.json");
    std::fs::write(&file, r#"{"type": "string"}"#).expect("write the referenced file");
    let file_url = format!("file://{}", file.display());

    let refs = [
        format!("http://127.0.0.1:{port}/string.json"),
        format!("http://127.0.0.1:{port}/string.json#/definitions/x"),
        file_url.clone(),
        format!("{file_url}#"),
    ];
    for target in &refs {
        let schema = json!({"type": "object", "properties": {"a": {"$ref": target}}});
        let reply = register_json(&api, "json-fetch-value", &schema).await;
        assert_invalid(&reply, &["$ref"], &format!("a $ref to {target}"));
    }
    // A relative `$ref` against an `$id` on the listener.
    let schema = json!({
        "$id": format!("http://127.0.0.1:{port}/root.json"),
        "type": "object",
        "properties": {"a": {"$ref": "other.json"}},
    });
    let reply = register_json(&api, "json-fetch-value", &schema).await;
    assert_invalid(&reply, &["other.json"], "a relative $ref under an http $id");
    // A `$schema` on the listener: whatever the verdict, it must not be fetched either.
    let schema = json!({"$schema": format!("http://127.0.0.1:{port}/meta"), "type": "string"});
    let reply = register_json(&api, "json-fetch-meta-value", &schema).await;
    assert!(
        reply.status == 200 || (400..500).contains(&reply.status),
        "a $schema on the listener: expected 200 or a 4xx, got {reply}"
    );

    // Any fetch happened while the requests were answered; give a straggler a moment anyway.
    tokio::time::sleep(Duration::from_millis(200)).await;
    match listener.accept() {
        Err(err) if err.kind() == ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the server connected to the $ref listener (from {peer})"),
        Err(err) => panic!("accept on the $ref listener: {err}"),
    }
    assert_no_subject(&api, "json-fetch-value").await;
    assert_still_serving(&mut server, &api).await;
}

async fn json_schema_reference_cycles_are_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let cycles = [
        json!({"$ref": "#"}),
        json!({
            "$ref": "#/definitions/a",
            "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
        }),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/$defs/a",
            "$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "string"}]}},
        }),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/$defs/a",
            "$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}},
        }),
        json!({"$id": "https://example.com/r.json", "$ref": "https://example.com/r.json"}),
    ];
    for schema in cycles {
        let reply = register_json(&api, "json-cycle-value", &schema).await;
        assert_invalid(&reply, &["cycle"], &format!("register {schema}"));
    }
    assert_no_subject(&api, "json-cycle-value").await;
    // Recursion through a property is not a cycle: a linked list is a valid schema.
    let list = json!({
        "type": "object",
        "properties": {"value": {"type": "string"}, "next": {"$ref": "#"}},
    });
    let reply = register_json(&api, "json-list-value", &list).await;
    assert_registered(&reply, "a recursive linked-list schema");
    assert_still_serving(&mut server, &api).await;
}

async fn json_schema_deep_nesting_is_rejected_clearly(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    let depth = 1_000;
    let nestings = [
        (
            "properties",
            format!(
                "{}{{\"type\":\"string\"}}{}",
                "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth),
                "}}".repeat(depth)
            ),
        ),
        (
            "items",
            format!("{}{{}}{}", "{\"items\":".repeat(depth), "}".repeat(depth)),
        ),
        (
            "allOf",
            format!("{}{{}}{}", "{\"allOf\":[".repeat(depth), "]}".repeat(depth)),
        ),
        (
            "not",
            format!(
                "{}{{}}{}",
                "{\"not\":".repeat(10 * depth),
                "}".repeat(10 * depth)
            ),
        ),
    ];
    for (keyword, schema) in nestings {
        let reply = register(&api, "json-deep-value", "JSON", &schema, json!([])).await;
        assert_error(
            &reply,
            &[400, 413, 422],
            None,
            &format!("`{keyword}` nested deeply"),
        );
        let message = reply.message().unwrap_or_default().to_lowercase();
        assert!(
            ["depth", "deep", "nest"]
                .iter()
                .any(|word| message.contains(word)),
            "`{keyword}` nested deeply: the message should say that it is nested too deeply, got: {message}"
        );
    }
    assert_no_subject(&api, "json-deep-value").await;
    assert_still_serving(&mut server, &api).await;
}

/// `.proto` files that parse but that protobuf's descriptor validation refuses (as protoc and every
/// serializer's descriptor pool do; Confluent's registry lets the first one through): each must be
/// 422 / 42201 with a message naming the offending declaration and its line and column.
const PROTO_DESCRIPTOR_ERRORS: &[(&str, &str, &[&str])] = &[
    (
        "duplicate field numbers",
        "message A {\n  string a = 1;\n  string b = 1;\n}\n",
        &["number 1", "a and b", "at 5:3"],
    ),
    (
        "duplicate field names",
        "message A {\n  string a = 1;\n  string a = 2;\n}\n",
        &["field a", "twice", "at 5:3"],
    ),
    (
        "duplicate message names",
        "message A {\n  string a = 1;\n}\nmessage A {\n  string b = 1;\n}\n",
        &["type a", "twice", "at 6:9"],
    ),
    (
        "field number 0",
        "message A {\n  string a = 0;\n}\n",
        &["number 0", "at 4:3"],
    ),
];

async fn protobuf_descriptor_errors_are_422_42201(backend: Backend) {
    let mut server = server_on(backend, &[]);
    let api = Api::new(server.url());
    for (index, (name, body, words)) in PROTO_DESCRIPTOR_ERRORS.iter().enumerate() {
        let subject = format!("proto-descriptor-{index}-value");
        let text = format!("{PROTO_HEADER}{body}");
        let reply = register_proto(&api, &subject, &text, json!([])).await;
        assert_invalid(&reply, words, name);
        assert_no_subject(&api, &subject).await;
    }
    assert_still_serving(&mut server, &api).await;
}
