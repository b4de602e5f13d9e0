//! Governance rules: each rule fires on a document that breaks it and stays quiet on one that
//! follows it; the configuration turns rules off and changes their severity.

use accord_asyncapi::{
    Diagnostic, Document, ExternalData, LinkVersion, LinkedSchema, LintConfig, LoadOptions,
    SchemaLink, Severity, lint, lint_rules, load,
};
use accord_compat::SchemaType;
use serde_json::json;

const GOOD: &str = r#"asyncapi: 3.0.0
info:
  title: Orders
  version: '1.0.0'
  contact: {name: Orders team, email: orders@example.com}
servers:
  production:
    host: 'kafka.example.com:9092'
    protocol: kafka
    bindings:
      kafka: {schemaRegistryUrl: 'https://registry.example.com/'}
channels:
  orders:
    address: sales.orders
    bindings:
      kafka: {topic: sales.orders}
    messages:
      orderPlaced: {$ref: '#/components/messages/OrderPlaced'}
  returns:
    address: 'sales.returns.{region}'
    parameters:
      region: {description: the region}
    bindings:
      kafka: {topic: sales.returns}
    messages:
      orderPlaced: {$ref: '#/components/messages/OrderPlaced'}
operations:
  sendOrder:
    action: send
    description: Publishes every placed order.
    channel: {$ref: '#/channels/orders'}
  sendReturn:
    action: send
    summary: Publishes returns.
    channel: {$ref: '#/channels/returns'}
components:
  messages:
    OrderPlaced:
      description: An order was placed.
      payload:
        schemaFormat: application/vnd.apache.avro+json;version=1.9.0
        schema: {$ref: 'subjects/sales.orders-value/versions/1'}
      bindings:
        kafka: {key: {type: string}, schemaIdLocation: payload}
"#;

const BAD: &str = r#"asyncapi: 3.0.0
info:
  title: Orders
  version: '1.0.0'
servers:
  production:
    host: 'kafka.example.com:9092'
    protocol: kafka
channels:
  orders:
    address: Sales_Orders
    messages:
      orderPlaced:
        payload: {type: object, properties: {id: {type: string}}}
        bindings:
          kafka: {schemaIdLocation: header}
operations:
  sendOrder:
    action: send
    channel: {$ref: '#/channels/orders'}
"#;

fn externals() -> ExternalData {
    let mut data = ExternalData::default();
    data.schemas.insert(
        SchemaLink {
            subject: "sales.orders-value".to_string(),
            version: LinkVersion::Number(1),
        },
        LinkedSchema {
            schema_type: SchemaType::Avro,
            text: r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#
                .to_string(),
        },
    );
    data
}

fn document(text: &str) -> Document {
    let loaded = load(text, &LoadOptions::recommended("doc.yaml"), &externals());
    assert!(loaded.is_valid(), "{:#?}", loaded.diagnostics);
    loaded.document.expect("document")
}

fn found(diagnostics: &[Diagnostic]) -> Vec<(&'static str, Severity, &str)> {
    diagnostics
        .iter()
        .map(|d| (d.rule, d.severity, d.pointer.as_str()))
        .collect()
}

#[test]
fn a_document_that_follows_the_conventions_has_no_findings() {
    let diagnostics = lint(&document(GOOD), &LintConfig::recommended());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn every_rule_fires_on_a_document_that_breaks_it() {
    let diagnostics = lint(&document(BAD), &LintConfig::recommended());
    let mut got = found(&diagnostics);
    got.sort();
    let mut expected = vec![
        (
            lint_rules::CHANNEL_NAMING,
            Severity::Warning,
            "/channels/orders/address",
        ),
        (lint_rules::INFO_CONTACT, Severity::Warning, "/info"),
        (
            lint_rules::OPERATION_DESCRIPTION,
            Severity::Warning,
            "/operations/sendOrder",
        ),
        (
            lint_rules::MESSAGE_DESCRIPTION,
            Severity::Warning,
            "/channels/orders/messages/orderPlaced",
        ),
        (
            lint_rules::PAYLOAD_LINKED_TO_REGISTRY,
            Severity::Warning,
            "/channels/orders/messages/orderPlaced/payload",
        ),
        (
            lint_rules::KAFKA_BINDINGS,
            Severity::Warning,
            "/channels/orders",
        ),
        (
            lint_rules::KAFKA_SCHEMA_ID_LOCATION,
            Severity::Error,
            "/channels/orders/messages/orderPlaced/bindings/kafka/schemaIdLocation",
        ),
    ];
    expected.sort();
    assert_eq!(got, expected, "{diagnostics:#?}");
    // Errors first, and every finding is located in the text.
    assert_eq!(
        diagnostics.first().map(|d| d.severity),
        Some(Severity::Error)
    );
    for d in &diagnostics {
        assert!(
            d.line.is_some() && d.column.is_some(),
            "{d} has no position"
        );
        assert!(!d.message.is_empty());
    }
    let naming = diagnostics
        .iter()
        .find(|d| d.rule == lint_rules::CHANNEL_NAMING)
        .expect("naming finding");
    assert_eq!(naming.line, Some(11), "{naming}");
}

#[test]
fn a_shared_message_is_reported_once_at_its_definition() {
    // GOOD's message without description and payload link, used by two channels.
    let text = GOOD
        .replace("      description: An order was placed.\n", "")
        .replace(
            "schema: {$ref: 'subjects/sales.orders-value/versions/1'}",
            "schema: {type: record, name: Order, fields: [{name: id, type: string}]}",
        );
    let diagnostics = lint(&document(&text), &LintConfig::recommended());
    assert_eq!(
        found(&diagnostics),
        [
            (
                lint_rules::MESSAGE_DESCRIPTION,
                Severity::Warning,
                "/components/messages/OrderPlaced"
            ),
            (
                lint_rules::PAYLOAD_LINKED_TO_REGISTRY,
                Severity::Warning,
                "/components/messages/OrderPlaced/payload"
            ),
        ]
    );
}

#[test]
fn kafka_bindings_without_a_kafka_server_are_reported() {
    let text = GOOD.replace("protocol: kafka", "protocol: amqp");
    let diagnostics = lint(&document(&text), &LintConfig::recommended());
    assert_eq!(
        found(&diagnostics),
        [
            (
                lint_rules::KAFKA_SCHEMA_ID_LOCATION,
                Severity::Error,
                "/components/messages/OrderPlaced/bindings/kafka/schemaIdLocation"
            ),
            (
                lint_rules::KAFKA_BINDINGS,
                Severity::Warning,
                "/channels/orders/bindings/kafka"
            ),
            (
                lint_rules::KAFKA_BINDINGS,
                Severity::Warning,
                "/channels/returns/bindings/kafka"
            ),
            (
                lint_rules::KAFKA_BINDINGS,
                Severity::Warning,
                "/components/messages/OrderPlaced/bindings/kafka"
            ),
        ],
        "{diagnostics:#?}"
    );
}

#[test]
fn configuration_turns_rules_off_and_changes_severity() {
    let config = LintConfig::from_json(&json!({
        "rules": {
            "channel-naming": {"severity": "error", "pattern": "^[a-z]+\\.[a-z]+"},
            "info-contact": "info",
            "kafka-bindings": "off",
            "kafka-schema-id-location": "off",
            "payload-linked-to-registry": {"severity": "off"}
        }
    }))
    .expect("valid configuration");
    let diagnostics = lint(&document(BAD), &config);
    let mut got = found(&diagnostics);
    got.sort();
    let mut expected = vec![
        (
            lint_rules::CHANNEL_NAMING,
            Severity::Error,
            "/channels/orders/address",
        ),
        (lint_rules::INFO_CONTACT, Severity::Info, "/info"),
        (
            lint_rules::OPERATION_DESCRIPTION,
            Severity::Warning,
            "/operations/sendOrder",
        ),
        (
            lint_rules::MESSAGE_DESCRIPTION,
            Severity::Warning,
            "/channels/orders/messages/orderPlaced",
        ),
    ];
    expected.sort();
    assert_eq!(got, expected);
    // The configured pattern replaces the recommended one: GOOD's addresses have a domain.
    assert!(lint(&document(GOOD), &config).is_empty());
    let strict = LintConfig::from_json(&json!({
        "rules": {"channel-naming": {"pattern": "^billing\\."}}
    }))
    .expect("valid configuration");
    let naming: Vec<String> = lint(&document(GOOD), &strict)
        .into_iter()
        .filter(|d| d.rule == lint_rules::CHANNEL_NAMING)
        .map(|d| d.pointer)
        .collect();
    assert_eq!(
        naming,
        ["/channels/orders/address", "/channels/returns/address"]
    );
}

#[test]
fn extends_none_runs_only_the_rules_named() {
    let config = LintConfig::from_json(&json!({
        "extends": "none",
        "rules": {"operation-description": "error"}
    }))
    .expect("valid configuration");
    assert_eq!(
        found(&lint(&document(BAD), &config)),
        [(
            lint_rules::OPERATION_DESCRIPTION,
            Severity::Error,
            "/operations/sendOrder"
        )]
    );
    assert_eq!(config.severity(lint_rules::INFO_CONTACT), None);
    assert_eq!(
        LintConfig::recommended().severity(lint_rules::KAFKA_SCHEMA_ID_LOCATION),
        Some(Severity::Error)
    );
}

#[test]
fn configuration_mistakes_are_errors() {
    for bad in [
        json!([]),
        json!({"rule": {}}),
        json!({"extends": "strict"}),
        json!({"rules": {"channel-nameing": "error"}}),
        json!({"rules": {"info-contact": "fatal"}}),
        json!({"rules": {"info-contact": 3}}),
        json!({"rules": {"info-contact": {"pattern": "x"}}}),
        json!({"rules": {"channel-naming": {"pattern": "(unclosed"}}}),
        json!({"rules": {"channel-naming": {"severity": 1}}}),
    ] {
        assert!(LintConfig::from_json(&bad).is_err(), "{bad} was accepted");
    }
}

#[test]
fn rules_apply_to_2x_documents() {
    let text = r#"asyncapi: 2.6.0
info: {title: Accounts, version: '1.0.0', contact: {email: a@example.com}}
channels:
  Account/Created:
    subscribe:
      description: Account events.
      message:
        description: An account was created.
        payload: {type: object}
"#;
    let diagnostics = lint(&document(text), &LintConfig::recommended());
    assert_eq!(
        found(&diagnostics),
        [
            (
                lint_rules::CHANNEL_NAMING,
                Severity::Warning,
                "/channels/Account~1Created"
            ),
            (
                lint_rules::PAYLOAD_LINKED_TO_REGISTRY,
                Severity::Warning,
                "/channels/Account~1Created/subscribe/message/payload"
            ),
        ]
    );
}
