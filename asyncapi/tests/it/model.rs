//! The typed model and the validation rules through the public API: actions normalized
//! across versions, traits, registry links, sibling documents, positions.

use accord_asyncapi::{
    Action, Diagnostic, ExternalData, LinkVersion, LinkedSchema, LoadOptions, Loaded, NoExternals,
    PayloadFormat, SchemaLink, Severity, load, rules,
};
use accord_compat::SchemaType;

fn errors(loaded: &Loaded) -> Vec<&Diagnostic> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

const V2: &str = r#"asyncapi: 2.6.0
info: {title: Orders, version: '1.0.0'}
channels:
  orders:
    publish:
      operationId: placeOrder
      message: {$ref: '#/components/messages/Order'}
    subscribe:
      operationId: orderPlaced
      traits: [{description: from trait}]
      description: own
      message: {$ref: '#/components/messages/Order'}
components:
  messages:
    Order:
      messageId: order
      traits: [{description: trait wins in 2.x}]
      description: own description
      payload: {type: object, properties: {id: {type: string}}}
"#;

#[test]
fn v2_publish_is_receive_and_subscribe_is_send() {
    let loaded = load(V2, &LoadOptions::recommended("v2.yaml"), &NoExternals);
    assert!(loaded.is_valid(), "{:?}", errors(&loaded));
    let model = loaded.document.expect("document").model;
    let place = model.operation("placeOrder").expect("publish operation");
    assert_eq!(place.action, Action::Receive);
    assert_eq!(place.channel, "orders");
    let placed = model.operation("orderPlaced").expect("subscribe operation");
    assert_eq!(placed.action, Action::Send);
    assert_eq!(placed.description.as_deref(), Some("from trait"));
    // One message definition reached twice is one message.
    assert_eq!(model.messages.len(), 1);
    let order = model.message("order").expect("message by messageId");
    assert_eq!(order.description.as_deref(), Some("trait wins in 2.x"));
    assert_eq!(order.origin.as_deref(), Some("#/components/messages/Order"));
    assert_eq!(place.messages, ["order"]);
    assert_eq!(
        order.payload.as_ref().expect("payload").format,
        PayloadFormat::AsyncApi
    );
}

const V3: &str = r#"asyncapi: 3.0.0
info: {title: Orders, version: '1.0.0'}
channels:
  orders:
    address: orders.{region}
    parameters: {region: {}}
    messages:
      order: {$ref: '#/components/messages/Order'}
operations:
  sendOrder:
    action: send
    channel: {$ref: '#/channels/orders'}
    messages: [{$ref: '#/channels/orders/messages/order'}]
components:
  messages:
    Order:
      traits: [{description: from trait, summary: trait summary}]
      description: own wins in 3.x
      payload:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        schema: {type: record, name: Order, fields: [{name: id, type: string}]}
"#;

#[test]
fn v3_operations_reference_channels_and_messages() {
    let loaded = load(V3, &LoadOptions::recommended("v3.yaml"), &NoExternals);
    assert!(loaded.is_valid(), "{:?}", errors(&loaded));
    let model = loaded.document.expect("document").model;
    let op = model.operation("sendOrder").expect("operation");
    assert_eq!(op.action, Action::Send);
    assert_eq!(op.channel, "orders");
    assert_eq!(op.messages, ["orders/order"]);
    let channel = model.channel("orders").expect("channel");
    assert_eq!(channel.address.as_deref(), Some("orders.{region}"));
    let order = model.message("orders/order").expect("message");
    assert_eq!(order.description.as_deref(), Some("own wins in 3.x"));
    assert_eq!(order.summary.as_deref(), Some("trait summary"));
    let payload = order.payload.as_ref().expect("payload");
    assert_eq!(payload.format, PayloadFormat::Avro);
    assert_eq!(payload.format.schema_type(), Some(SchemaType::Avro));
    assert!(payload.schema_text().expect("text").contains("\"record\""));
}

#[test]
fn v3_multi_format_avro_payloads_are_checked() {
    // The official parser skips these; Accord parses them with accord-compat.
    let bad = V3.replace("type: string}]}", "type: strin}]}");
    let loaded = load(&bad, &LoadOptions::recommended("v3.yaml"), &NoExternals);
    let e = errors(&loaded);
    assert!(
        e.iter().any(|d| d.rule == rules::SCHEMAS_V3
            && d.pointer == "/channels/orders/messages/order/payload/schema"
            && d.line == Some(21)),
        "{e:?}"
    );
}

#[test]
fn v3_semantic_rules_report_with_positions() {
    let bad = V3
        .replace("parameters: {region: {}}", "parameters: {zone: {}}")
        .replace(
            "- {$ref: '#/channels/orders/messages/order'}",
            "- {$ref: '#/components/messages/Order'}",
        )
        .replace(
            "messages: [{$ref: '#/channels/orders/messages/order'}]",
            "messages: [{$ref: '#/components/messages/Order'}]",
        );
    let loaded = load(&bad, &LoadOptions::recommended("v3.yaml"), &NoExternals);
    let e = errors(&loaded);
    let params: Vec<_> = e
        .iter()
        .filter(|d| d.rule == rules::CHANNEL_PARAMETERS_V3)
        .collect();
    assert_eq!(params.len(), 2, "{e:?}");
    let from_channel = e
        .iter()
        .find(|d| d.rule == rules::OPERATION_MESSAGES_FROM_CHANNEL)
        .expect("operation message not from its channel");
    assert_eq!(from_channel.pointer, "/operations/sendOrder/messages/0");
    assert_eq!(
        (from_channel.line, from_channel.column),
        (Some(13), Some(16))
    );
}

const LINKED: &str = r#"asyncapi: 3.0.0
info: {title: Orders, version: '1.0.0'}
channels:
  orders:
    address: orders
    messages:
      order:
        payload:
          schemaFormat: application/vnd.apache.avro;version=1.9.0
          schema: {$ref: 'https://registry.example.com/subjects/orders-value/versions/2'}
"#;

fn registry_options() -> LoadOptions {
    let mut options = LoadOptions::recommended("linked.yaml");
    options.registry_base_urls = vec!["https://registry.example.com".to_string()];
    options
}

#[test]
fn registry_links_are_exposed_and_looked_up_by_the_caller() {
    let link = SchemaLink {
        subject: "orders-value".to_string(),
        version: LinkVersion::Number(2),
    };
    let unknown = load(LINKED, &registry_options(), &NoExternals);
    crate::assert_reports(&errors(&unknown), rules::SCHEMA_LINK_UNRESOLVED);
    let doc = unknown.document.expect("document");
    assert_eq!(doc.schema_links(), [("orders/order", &link)]);

    let mut externals = ExternalData::default();
    externals.schemas.insert(
        link.clone(),
        LinkedSchema {
            schema_type: SchemaType::Avro,
            text: r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#
                .to_string(),
        },
    );
    let known = load(LINKED, &registry_options(), &externals);
    assert!(known.is_valid(), "{:?}", known.diagnostics);

    // Without the registry's base URL configured, the same reference is external.
    let external = load(LINKED, &LoadOptions::recommended("linked.yaml"), &externals);
    crate::assert_reports(&errors(&external), rules::EXTERNAL_REF_NOT_FETCHED);
}

#[test]
fn sibling_documents_are_supplied_as_data() {
    let main = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    subscribe:\n      message: {$ref: './messages/order.yaml#/Order'}\n";
    let mut externals = ExternalData::default();
    externals.documents.insert(
        "specs/messages/order.yaml".to_string(),
        "Order:\n  name: order\n  payload: {type: string}\n".to_string(),
    );
    let loaded = load(
        main,
        &LoadOptions::recommended("specs/main.yaml"),
        &externals,
    );
    assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
    let model = loaded.document.expect("document").model;
    assert_eq!(
        model.messages.first().and_then(|m| m.name.as_deref()),
        Some("order")
    );

    let missing = load(
        main,
        &LoadOptions::recommended("specs/main.yaml"),
        &NoExternals,
    );
    let e = errors(&missing);
    assert!(
        e.iter().any(
            |d| d.rule == rules::INVALID_REF && d.message.contains("specs/messages/order.yaml")
        ),
        "{e:?}"
    );
}

#[test]
fn unsupported_versions_are_not_documents() {
    let loaded = load(
        "asyncapi: 1.2.0\ninfo: {}\n",
        &LoadOptions::recommended("old.yaml"),
        &NoExternals,
    );
    assert!(loaded.document.is_none());
    let d = loaded.diagnostics.first().expect("diagnostic");
    assert_eq!(d.rule, rules::IS_ASYNCAPI);
    assert_eq!((d.line, d.column), (Some(1), Some(11)));
}

#[test]
fn v2_duplicate_ids_and_tags_are_errors() {
    let bad = V2
        .replace("operationId: orderPlaced", "operationId: placeOrder")
        .replace(
            "info: {title: Orders, version: '1.0.0'}",
            "info: {title: Orders, version: '1.0.0'}\ntags: [{name: a}, {name: a}]",
        );
    let loaded = load(&bad, &LoadOptions::recommended("v2.yaml"), &NoExternals);
    let rules_seen: Vec<&str> = errors(&loaded).iter().map(|d| d.rule).collect();
    assert!(
        rules_seen.contains(&rules::OPERATION_ID_UNIQUENESS),
        "{rules_seen:?}"
    );
    assert!(
        rules_seen.contains(&rules::TAGS_UNIQUENESS_V2),
        "{rules_seen:?}"
    );
}
