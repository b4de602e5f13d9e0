//! Confluent's Avro compatibility facts (`peer-cases/confluent/avro/`) through the HTTP API:
//! each case registers its history, sets the level, and asks `POST /compatibility/…/versions`.

use serde_json::{Value, json};

use accord_tests::{Api, shared_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_confluent_avro_case_gets_confluents_verdict_over_http() {
    let server = crate::server();
    let api = Api::new(server.url());
    let path = shared_dir().join("peer-cases/confluent/avro/confluent-avro-compat-cases.jsonl");
    let text = std::fs::read_to_string(&path).expect("read the Avro peer cases");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (index, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let case: Value = serde_json::from_str(line).expect("each line is a JSON object");
        if case["parse_only"].as_bool() == Some(true) {
            // Lenient on a plain register, rejected when defaults are validated (normalize).
            let body = json!({"schema": case["schema"].to_string()});
            let plain = format!("/subjects/peer-avro-parse-{index}/versions");
            let lenient = api.post(&plain, &body).await.unwrap();
            // A separate subject: an identical registration would be answered before parsing.
            let strict_path = format!("/subjects/peer-avro-strict-{index}/versions?normalize=true");
            let strict = api.post(&strict_path, &body).await.unwrap();
            if lenient.status != 200 || strict.status != 422 {
                failures.push(format!(
                    "case {index} (parse only): expected 200 then 422, got {lenient} and {strict}"
                ));
            }
            checked += 1;
            continue;
        }
        let subject = format!("peer-avro-{index}");
        let config = format!("/config/{subject}");
        let set = api
            .put(&config, &json!({"compatibility": "NONE"}))
            .await
            .unwrap();
        assert_eq!(set.status, 200, "case {index}: {set}");
        for previous in case["previous_oldest_first"].as_array().expect("history") {
            let body = json!({"schema": previous.to_string()});
            let reply = api
                .post(&format!("/subjects/{subject}/versions"), &body)
                .await
                .unwrap();
            assert_eq!(
                reply.status, 200,
                "case {index}: registering history: {reply}"
            );
        }
        let level = case["level"].as_str().expect("level");
        let set = api
            .put(&config, &json!({"compatibility": level}))
            .await
            .unwrap();
        assert_eq!(set.status, 200, "case {index}: {set}");
        let body = json!({"schema": case["new"].to_string()});
        let reply = api
            .post(
                &format!("/compatibility/subjects/{subject}/versions?verbose=true"),
                &body,
            )
            .await
            .unwrap();
        assert_eq!(reply.status, 200, "case {index}: {reply}");
        let expected = case["expected_compatible"].as_bool().expect("verdict");
        if reply.body["is_compatible"].as_bool() != Some(expected) {
            failures.push(format!(
                "case {index} ({level}, {}): expected compatible={expected}, got {reply}",
                case["note"]
            ));
        }
        checked += 1;
    }
    println!(
        "avro peer cases over HTTP: {} passed, {} failed",
        checked - failures.len(),
        failures.len()
    );
    assert!(
        checked >= 30,
        "expected the 34 Confluent cases, read {checked}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
