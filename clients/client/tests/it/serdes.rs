//! The serializers and deserializers against scripted registries: subject names, which registry call
//! each schema selection makes, Avro schema resolution, JSON validation, Protobuf message-index
//! framing, and arbitrary bytes that must come back as errors, never panics.

use accord_client::Client;
use accord_client::serdes::avro::{AvroDeserializer, AvroSerializer};
use accord_client::serdes::json::{JsonDeserializer, JsonSerializer};
use accord_client::serdes::protobuf::{
    DynamicDeserializer, ProtobufDeserializer, ProtobufSerializer,
};
use accord_client::serdes::{
    MessageField, SchemaSelection, SerdeError, SerializerConfig, SubjectNameStrategy,
};
use accord_types::Version;
use base64::Engine as _;
use prost::Message as _;
use prost_reflect::ReflectMessage as _;
use prost_reflect::prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::mock::{Answer, Mock};

const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"acme","fields":[
    {"name":"id","type":"string"},{"name":"amount","type":"long"}]}"#;

const ORDER_V2: &str = r#"{"type":"record","name":"Order","namespace":"acme","fields":[
    {"name":"id","type":"string"},{"name":"amount","type":"long"},
    {"name":"currency","type":"string","default":"EUR"}]}"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OrderV1 {
    id: String,
    amount: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct OrderV2 {
    id: String,
    amount: i64,
    currency: String,
}

fn order() -> OrderV1 {
    OrderV1 {
        id: "o-1".into(),
        amount: 42,
    }
}

fn client(mock: &Mock) -> Client {
    Client::new(&mock.url).expect("client")
}

fn request_line(mock: &Mock, n: usize) -> String {
    mock.requests()[n]
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

// ----- Subject names -----

#[test]
fn subject_name_strategies_follow_confluent() {
    let name = |strategy: SubjectNameStrategy, field, record| {
        strategy
            .subject("orders", field, record)
            .map(|s| s.as_str().to_string())
    };
    let topic = SubjectNameStrategy::Topic;
    assert_eq!(
        name(topic, MessageField::Value, None).unwrap(),
        "orders-value"
    );
    assert_eq!(
        name(topic, MessageField::Key, Some("acme.Order")).unwrap(),
        "orders-key"
    );
    let record = SubjectNameStrategy::Record;
    assert_eq!(
        name(record, MessageField::Value, Some("acme.Order")).unwrap(),
        "acme.Order"
    );
    let topic_record = SubjectNameStrategy::TopicRecord;
    assert_eq!(
        name(topic_record, MessageField::Key, Some("acme.Order")).unwrap(),
        "orders-acme.Order"
    );
    assert!(matches!(
        name(record, MessageField::Value, None),
        Err(SerdeError::Subject(_))
    ));
    assert!(matches!(
        name(topic_record, MessageField::Value, None),
        Err(SerdeError::Subject(_))
    ));
}

#[tokio::test]
async fn serializers_take_the_record_name_from_their_schema() {
    let mock = Mock::start(vec![Answer::error(500, 50001)]).await;
    let config = SerializerConfig::value("orders").with_strategy(SubjectNameStrategy::TopicRecord);
    let avro = AvroSerializer::<OrderV1>::new(client(&mock), ORDER_V1, &config).expect("avro");
    assert_eq!(avro.subject().as_str(), "orders-acme.Order");
    let schema = r#"{"title":"Invoice","type":"object"}"#;
    let json = JsonSerializer::<OrderV1>::new(client(&mock), schema, &config).expect("json");
    assert_eq!(json.subject().as_str(), "orders-Invoice");
    let proto = ProtobufSerializer::<Marker>::new(client(&mock), "", "acme.v1.Marker", &config)
        .expect("protobuf");
    assert_eq!(proto.subject().as_str(), "orders-acme.v1.Marker");
    // A primitive has no record name for the record strategies.
    let record = SerializerConfig::key("orders").with_strategy(SubjectNameStrategy::Record);
    let err =
        AvroSerializer::<String>::new(client(&mock), r#""string""#, &record).expect_err("no name");
    assert!(matches!(err, SerdeError::Subject(_)), "{err}");
    assert_eq!(mock.count(), 0, "naming a subject calls nothing");
}

// ----- Schema selection -----

#[tokio::test]
async fn auto_register_registers_and_frames_the_returned_id() {
    let mock = Mock::start(vec![Answer::json(200, &json!({"id": 7}))]).await;
    let config = SerializerConfig::value("orders")
        .with_selection(SchemaSelection::AutoRegister { normalize: true });
    let serializer = AvroSerializer::new(client(&mock), ORDER_V1, &config).expect("serializer");
    let mut out = Vec::new();
    let err = serializer
        .serialize_into(&order(), &mut out)
        .expect_err("not prepared");
    assert!(matches!(err, SerdeError::NotPrepared));
    assert!(out.is_empty());
    assert_eq!(serializer.prepare().await.expect("prepare").get(), 7);
    serializer
        .serialize_into(&order(), &mut out)
        .expect("encode");
    // 0x00, id 7, then "o-1" (length 3 zig-zag = 6) and 42 (zig-zag 84).
    assert_eq!(out, [0, 0, 0, 0, 7, 6, b'o', b'-', b'1', 84]);
    serializer.prepare().await.expect("prepared again");
    assert_eq!(mock.count(), 1, "one registration");
    assert_eq!(
        request_line(&mock, 0),
        "POST /subjects/orders-value/versions?normalize=true HTTP/1.1"
    );
}

#[tokio::test]
async fn lookup_use_latest_and_pinned_call_their_endpoints() {
    let found = json!({"subject": "orders-value", "version": 2, "id": 11, "schema": ORDER_V1});
    let cases = [
        (
            SchemaSelection::Lookup { normalize: false },
            "POST /subjects/orders-value HTTP/1.1",
        ),
        (
            SchemaSelection::UseLatest,
            "GET /subjects/orders-value/versions/latest HTTP/1.1",
        ),
        (
            SchemaSelection::Pinned(Version::new(2).expect("version")),
            "GET /subjects/orders-value/versions/2 HTTP/1.1",
        ),
    ];
    for (selection, line) in cases {
        let mock = Mock::start(vec![Answer::json(200, &found)]).await;
        let config = SerializerConfig::value("orders").with_selection(selection);
        let serializer = AvroSerializer::new(client(&mock), ORDER_V1, &config).expect("serializer");
        let bytes = serializer.serialize(&order()).await.expect("serialize");
        assert_eq!(bytes[..5], [0, 0, 0, 0, 11], "{selection:?}");
        assert_eq!(request_line(&mock, 0), line, "{selection:?}");
        assert_eq!(mock.count(), 1, "{selection:?}");
    }
}

#[tokio::test]
async fn use_latest_writes_with_the_registered_schema() {
    // The local schema is v1, the subject's latest is v2: the record must be written with v2.
    let latest = json!({"subject": "orders-value", "version": 2, "id": 12, "schema": ORDER_V2});
    let mock = Mock::start(vec![Answer::json(200, &latest)]).await;
    let config = SerializerConfig::value("orders").with_selection(SchemaSelection::UseLatest);
    #[derive(Serialize)]
    struct Full<'a> {
        id: &'a str,
        amount: i64,
        currency: &'a str,
    }
    let serializer = AvroSerializer::new(client(&mock), ORDER_V1, &config).expect("serializer");
    let value = Full {
        id: "o-2",
        amount: 1,
        currency: "USD",
    };
    let bytes = serializer.serialize(&value).await.expect("serialize");
    assert_eq!(bytes[5..], [6, b'o', b'-', b'2', 2, 6, b'U', b'S', b'D']);
}

#[tokio::test]
async fn registry_refusals_surface_as_registry_errors() {
    let mock = Mock::start(vec![Answer::error(409, 409)]).await;
    let serializer =
        AvroSerializer::<OrderV1>::new(client(&mock), ORDER_V1, &SerializerConfig::value("t"))
            .expect("serializer");
    let err = serializer.prepare().await.expect_err("refused");
    match err {
        SerdeError::Registry(err) => assert!(err.is_incompatible(), "{err}"),
        other => panic!("expected a registry error, got {other}"),
    }
    assert_eq!(serializer.schema_id(), None);
}

// ----- Avro -----

#[tokio::test]
async fn avro_reader_schema_fills_an_added_field_from_its_default() {
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"id": 5})),
        Answer::json(200, &json!({"schema": ORDER_V1})),
    ])
    .await;
    let serializer =
        AvroSerializer::new(client(&mock), ORDER_V1, &SerializerConfig::value("orders"))
            .expect("serializer");
    let bytes = serializer.serialize(&order()).await.expect("serialize");

    let reader = AvroDeserializer::<OrderV2>::with_reader_schema(client(&mock), ORDER_V2)
        .expect("reader schema");
    let err = reader
        .deserialize_known(&bytes)
        .expect_err("not loaded yet");
    assert!(matches!(err, SerdeError::NotLoaded(_)), "{err}");
    let read = reader.deserialize(&bytes).await.expect("decode");
    assert_eq!(
        read,
        OrderV2 {
            id: "o-1".into(),
            amount: 42,
            currency: "EUR".into()
        }
    );
    // The writer schema is fetched once, then decoding is synchronous.
    assert_eq!(reader.deserialize_known(&bytes).expect("known"), read);
    assert_eq!(mock.count(), 2);
    assert_eq!(request_line(&mock, 1), "GET /schemas/ids/5 HTTP/1.1");

    // Without a reader schema, the value as written.
    let plain = AvroDeserializer::<OrderV1>::new(client(&mock));
    assert_eq!(plain.deserialize(&bytes).await.expect("decode"), order());
}

#[tokio::test]
async fn avro_encoding_errors_leave_the_buffer_alone() {
    let mock = Mock::start(vec![Answer::json(200, &json!({"id": 5}))]).await;
    let serializer =
        AvroSerializer::<String>::new(client(&mock), r#""long""#, &SerializerConfig::value("t"))
            .expect("serializer");
    serializer.prepare().await.expect("prepare");
    let mut out = b"kept".to_vec();
    let err = serializer
        .serialize_into(&"text".to_string(), &mut out)
        .expect_err("a string is not a long");
    assert!(matches!(err, SerdeError::Encode { .. }), "{err}");
    assert_eq!(out, b"kept");
}

#[tokio::test]
async fn avro_schemas_with_named_references_encode_through_values() {
    // `Pair` uses the named type `Point` twice: the second use is a reference.
    let schema = r#"{"type":"record","name":"Pair","fields":[
        {"name":"a","type":{"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]}},
        {"name":"b","type":"Point"}]}"#;
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Point {
        x: i32,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Pair {
        a: Point,
        b: Point,
    }
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"id": 9})),
        Answer::json(200, &json!({"schema": schema})),
    ])
    .await;
    let serializer = AvroSerializer::new(client(&mock), schema, &SerializerConfig::value("t"))
        .expect("serializer");
    let pair = Pair {
        a: Point { x: 1 },
        b: Point { x: -1 },
    };
    let bytes = serializer.serialize(&pair).await.expect("serialize");
    assert_eq!(bytes[5..], [2, 1]);
    let back = AvroDeserializer::<Pair>::new(client(&mock))
        .deserialize(&bytes)
        .await
        .expect("decode");
    assert_eq!(back, pair);
}

#[tokio::test]
async fn avro_schemas_naming_types_of_referenced_subjects_encode_and_decode() {
    // `Order` uses `acme.common.Money`, registered under the subject `money` (a Confluent
    // schema reference): the name resolves only through the referenced schema.
    let money = r#"{"type":"record","name":"Money","namespace":"acme.common","fields":[
        {"name":"units","type":"long"},{"name":"currency","type":"string"}]}"#;
    let order = r#"{"type":"record","name":"Order","namespace":"acme","fields":[
        {"name":"id","type":"string"},{"name":"price","type":"acme.common.Money"}]}"#;
    let reference = json!({"name": "acme.common.Money", "subject": "money", "version": 1});
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Money {
        units: i64,
        currency: String,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Order {
        id: String,
        price: Money,
    }
    let money_version = Answer::json(
        200,
        &json!({"subject": "money", "version": 1, "id": 10, "schema": money}),
    );
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"id": 11})),
        money_version.clone(),
        Answer::json(200, &json!({"schema": order, "references": [reference]})),
        money_version,
    ])
    .await;
    let references = vec![serde_json::from_value(reference).expect("a reference")];
    let serializer = AvroSerializer::with_references(
        client(&mock),
        order,
        references,
        &SerializerConfig::value("orders"),
    )
    .expect("serializer");
    let value = Order {
        id: "o-1".into(),
        price: Money {
            units: 1250,
            currency: "EUR".into(),
        },
    };
    let bytes = serializer.serialize(&value).await.expect("serialize");
    assert_eq!(bytes[..5], [0, 0, 0, 0, 11]);
    assert_eq!(
        request_line(&mock, 1),
        "GET /subjects/money/versions/1 HTTP/1.1"
    );
    let back = AvroDeserializer::<Order>::new(client(&mock))
        .deserialize(&bytes)
        .await
        .expect("decode");
    assert_eq!(back, value);
}

// ----- JSON -----

const JSON_ORDER: &str = r#"{"title":"Order","type":"object",
    "properties":{"id":{"type":"string"},"amount":{"type":"integer","minimum":0}},
    "required":["id","amount"]}"#;

#[tokio::test]
async fn json_values_are_validated_on_write() {
    let mock = Mock::start(vec![Answer::json(200, &json!({"id": 3}))]).await;
    let serializer = JsonSerializer::new(
        client(&mock),
        JSON_ORDER,
        &SerializerConfig::value("orders"),
    )
    .expect("serializer");
    serializer.prepare().await.expect("prepare");
    assert!(mock.requests()[0].contains("POST /subjects/orders-value/versions"));

    let mut out = Vec::new();
    serializer
        .serialize_into(&order(), &mut out)
        .expect("valid");
    assert_eq!(out[..5], [0, 0, 0, 0, 3]);
    let text: serde_json::Value = serde_json::from_slice(&out[5..]).expect("json payload");
    assert_eq!(text, json!({"id": "o-1", "amount": 42}));

    let negative = OrderV1 {
        id: "o-2".into(),
        amount: -1,
    };
    let mut rejected = Vec::new();
    let err = serializer
        .serialize_into(&negative, &mut rejected)
        .expect_err("minimum 0");
    match &err {
        SerdeError::Invalid { reason, .. } => assert!(reason.contains("/amount"), "{reason}"),
        other => panic!("expected a validation error, got {other}"),
    }
    assert!(rejected.is_empty());

    // Without validation on write, the same value goes through.
    let unchecked = JsonSerializer::new(
        client(&mock),
        JSON_ORDER,
        &SerializerConfig::value("orders"),
    )
    .expect("serializer")
    .without_validation();
    unchecked.serialize(&negative).await.expect("not validated");
}

#[tokio::test]
async fn json_validation_on_read_is_optional() {
    let mock = Mock::start(vec![Answer::json(
        200,
        &json!({"schemaType": "JSON", "schema": JSON_ORDER}),
    )])
    .await;
    let mut record = vec![0, 0, 0, 0, 4];
    record.extend_from_slice(br#"{"id":"o-3","amount":-5}"#);
    let lenient = JsonDeserializer::<OrderV1>::new(client(&mock));
    assert_eq!(
        lenient
            .deserialize_known(&record)
            .expect("no validation, no I/O")
            .amount,
        -5
    );
    assert_eq!(mock.count(), 0);
    let strict = JsonDeserializer::<OrderV1>::with_validation(client(&mock));
    let err = strict.deserialize(&record).await.expect_err("invalid");
    assert!(matches!(err, SerdeError::Invalid { .. }), "{err}");
    assert_eq!(request_line(&mock, 0), "GET /schemas/ids/4 HTTP/1.1");
}

// ----- Protobuf -----

#[derive(Clone, PartialEq, prost::Message)]
struct Marker {
    #[prost(int64, tag = "1")]
    id: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Inner {
    #[prost(string, tag = "1")]
    name: String,
}

/// `acme.v1`'s file: `Marker` ([0]), then `Outer` ([1]) with the nested `Skip` ([1, 0]) and `Inner` ([1, 1]).
fn proto_file() -> FileDescriptorProto {
    let field = |name: &str, kind: i32| FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(1),
        r#type: Some(kind),
        label: Some(1),
        json_name: None,
        ..FieldDescriptorProto::default()
    };
    let message = |name: &str, fields: Vec<FieldDescriptorProto>, nested: Vec<DescriptorProto>| {
        DescriptorProto {
            name: Some(name.into()),
            field: fields,
            nested_type: nested,
            ..DescriptorProto::default()
        }
    };
    // Field types: 3 = int64, 9 = string.
    FileDescriptorProto {
        name: Some("acme/v1.proto".into()),
        package: Some("acme.v1".into()),
        syntax: Some("proto3".into()),
        message_type: vec![
            message("Marker", vec![field("id", 3)], vec![]),
            message(
                "Outer",
                vec![],
                vec![
                    message("Skip", vec![], vec![]),
                    message("Inner", vec![field("name", 9)], vec![]),
                ],
            ),
        ],
        ..FileDescriptorProto::default()
    }
}

fn serialized_answer() -> Answer {
    let base64 = base64::engine::general_purpose::STANDARD.encode(proto_file().encode_to_vec());
    Answer::json(200, &json!({"schemaType": "PROTOBUF", "schema": base64}))
}

/// A registry that gives id 3 to a registration, then serves `proto_file()` as that id's schema.
async fn protobuf_registry() -> Mock {
    Mock::start(vec![
        Answer::json(200, &json!({"id": 3})),
        serialized_answer(),
    ])
    .await
}

/// A serializer of `message` under the subject `marks-value`; the registry answers for the text.
fn marks_serializer<M: prost::Message>(client: Client, message: &str) -> ProtobufSerializer<M> {
    ProtobufSerializer::new(
        client,
        "(the .proto text)",
        message,
        &SerializerConfig::value("marks"),
    )
    .expect("serializer")
}

#[tokio::test]
async fn protobuf_frames_the_first_message_as_a_single_zero_and_nested_ones_as_a_path() {
    let mock = protobuf_registry().await;
    let registry = client(&mock);
    let marker = marks_serializer::<Marker>(registry.clone(), "acme.v1.Marker");
    let bytes = marker
        .serialize(&Marker { id: 1 })
        .await
        .expect("serialize");
    assert_eq!(bytes, [0, 0, 0, 0, 3, 0x00, 0x08, 0x01]);
    assert!(mock.requests()[0].contains(r#"POST /subjects/marks-value/versions"#));
    assert_eq!(
        request_line(&mock, 1),
        "GET /schemas/ids/3?format=serialized HTTP/1.1"
    );

    // The same subject and text: the registration is answered from the client's cache.
    let inner = marks_serializer::<Inner>(registry, ".acme.v1.Outer.Inner");
    let bytes = inner
        .serialize(&Inner { name: "x".into() })
        .await
        .expect("serialize");
    assert_eq!(inner.message_indexes(), Some(&[1, 1][..]));
    assert_eq!(bytes, [0, 0, 0, 0, 3, 0x04, 0x02, 0x02, 0x0a, 0x01, b'x']);

    assert_eq!(
        ProtobufDeserializer::<Inner>::new()
            .deserialize(&bytes)
            .expect("decode")
            .name,
        "x"
    );
    let dynamic = DynamicDeserializer::new(client(&mock));
    let message = dynamic
        .deserialize(&bytes)
        .await
        .expect("decode dynamically");
    assert_eq!(message.descriptor().full_name(), "acme.v1.Outer.Inner");
    assert_eq!(
        message.transcode_to::<Inner>().expect("transcode").name,
        "x"
    );
    let message = dynamic
        .deserialize_known(&[0, 0, 0, 0, 3, 0x00, 0x08, 0x02])
        .expect("[0] is Marker");
    assert_eq!(message.transcode_to::<Marker>().expect("transcode").id, 2);
    let err = dynamic
        .deserialize_known(&[0, 0, 0, 0, 3, 0x02, 0x06])
        .expect_err("no message [3]");
    assert!(matches!(err, SerdeError::Decode { .. }), "{err}");
}

#[tokio::test]
async fn protobuf_serializer_refuses_a_message_missing_from_the_registered_file() {
    let mock = protobuf_registry().await;
    let serializer = marks_serializer::<Marker>(client(&mock), "acme.v1.Absent");
    let err = serializer.prepare().await.expect_err("absent");
    assert!(matches!(err, SerdeError::Schema { .. }), "{err}");
}

// ----- Arbitrary bytes -----

/// xorshift64*: a seeded generator, so that a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Mostly short inputs; some start with a valid frame of id 1 so that the payload decoders run.
    fn input(&mut self) -> Vec<u8> {
        let len = (self.next() % 40) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| self.next() as u8).collect();
        if self.next() % 4 != 0 {
            let mut framed = vec![0, 0, 0, 0, 1];
            if self.next() % 2 == 0 {
                framed.push(0); // the Protobuf [0] shortcut
            }
            framed.append(&mut bytes);
            bytes = framed;
        }
        bytes
    }
}

#[tokio::test]
async fn arbitrary_bytes_never_panic_the_deserializers() {
    let rich = r#"{"type":"record","name":"R","fields":[
        {"name":"s","type":"string"},{"name":"m","type":{"type":"map","values":["null","double"]}},
        {"name":"a","type":{"type":"array","items":"bytes"}},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},
        {"name":"f","type":{"type":"fixed","name":"F","size":4}}]}"#;
    let avro_mock = Mock::start(vec![Answer::json(200, &json!({"schema": rich}))]).await;
    let avro = AvroDeserializer::<serde_json::Value>::new(client(&avro_mock));
    let json_mock = Mock::start(vec![Answer::json(
        200,
        &json!({"schemaType": "JSON", "schema": JSON_ORDER}),
    )])
    .await;
    let json = JsonDeserializer::<serde_json::Value>::with_validation(client(&json_mock));
    let proto_mock = Mock::start(vec![serialized_answer()]).await;
    let dynamic = DynamicDeserializer::new(client(&proto_mock));
    let typed = ProtobufDeserializer::<Inner>::new();
    // Load schema id 1 in each, through the async path.
    let _ = avro.deserialize(&[0, 0, 0, 0, 1]).await;
    let _ = json.deserialize(&[0, 0, 0, 0, 1]).await;
    let _ = dynamic.deserialize(&[0, 0, 0, 0, 1, 0]).await;

    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut decoded = 0;
    for _ in 0..20_000 {
        let input = rng.input();
        let results = [
            avro.deserialize_known(&input).is_ok(),
            json.deserialize_known(&input).is_ok(),
            dynamic.deserialize_known(&input).is_ok(),
            typed.deserialize(&input).is_ok(),
        ];
        decoded += results.iter().filter(|ok| **ok).count();
    }
    // Random bytes are mostly garbage, but short Protobuf payloads often decode: the payload decoders did run.
    assert!(
        decoded > 0,
        "no input decoded, so the payload decoders were never reached"
    );
    assert!(matches!(
        avro.deserialize_known(&[0x07, 1, 2]),
        Err(SerdeError::Frame(_))
    ));
}

#[tokio::test]
async fn hostile_avro_counts_and_nesting_are_refused_by_the_bounds() {
    let map = r#"{"type":"record","name":"M","fields":[{"name":"m","type":{"type":"map","values":"null"}}]}"#;
    let list =
        r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#;
    let lengths = r#"{"type":"record","name":"L","fields":[
        {"name":"s","type":"string"},{"name":"n","type":{"type":"array","items":"null"}}]}"#;
    let mock = Mock::start(vec![
        Answer::json(200, &json!({"schema": map})),
        Answer::json(200, &json!({"schema": list})),
        Answer::json(200, &json!({"schema": lengths})),
    ])
    .await;
    let deserializer = AvroDeserializer::<serde_json::Value>::new(client(&mock));
    // Which bound refused a payload: the reasons name what they measured.
    let refused = async |record: &[u8]| {
        let err = deserializer.deserialize(record).await.expect_err("refused");
        assert!(matches!(err, SerdeError::Decode { .. }), "{err}");
        std::error::Error::source(&err)
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    // A map block announcing about 2^33 entries in five bytes.
    let huge_map = [0, 0, 0, 0, 1, 0xfe, 0xff, 0xff, 0xff, 0x3f];
    let reason = refused(&huge_map).await;
    assert!(reason.contains("cannot fit"), "{reason}");
    // A linked list 100,000 nodes deep, one union index byte per node: apache-avro alone recurses
    // once per node and overflows the stack.
    let mut deep = vec![0, 0, 0, 0, 2];
    deep.extend(std::iter::repeat_n(0x02, 100_000));
    let reason = refused(&deep).await;
    assert!(reason.contains("nesting deeper"), "{reason}");
    // A short list decodes.
    let short = [0, 0, 0, 0, 2, 0x02, 0x02, 0x00];
    deserializer.deserialize_known(&short).expect("three nodes");
    // A string announcing 400 MiB in a 12-byte record: apache-avro alone allocates it (its limit
    // is 512 MiB) before finding the bytes missing.
    let mut long_string = vec![0, 0, 0, 0, 3];
    long_string.extend(zigzag(400 << 20));
    long_string.extend(b"abc");
    let reason = refused(&long_string).await;
    assert!(reason.contains("bytes needed"), "{reason}");
    // Five million nulls in four bytes: within apache-avro's own limit, it would reserve and fill
    // some 200 MB of values.
    let mut nulls = vec![0, 0, 0, 0, 3, 0x00];
    nulls.extend(zigzag(5_000_000));
    nulls.push(0x00);
    let reason = refused(&nulls).await;
    assert!(reason.contains("empty items"), "{reason}");
    // Within the budget, they decode.
    let mut few = vec![0, 0, 0, 0, 3, 0x02, b'x'];
    few.extend(zigzag(1_000));
    few.push(0x00);
    let value = deserializer
        .deserialize_known(&few)
        .expect("a thousand nulls");
    assert_eq!(value["n"].as_array().map(Vec::len), Some(1_000));
}

/// Avro's zig-zag varint of `n`.
fn zigzag(n: i64) -> Vec<u8> {
    let mut raw = ((n << 1) ^ (n >> 63)) as u64;
    let mut out = Vec::new();
    while raw >= 0x80 {
        out.push((raw as u8 & 0x7f) | 0x80);
        raw >>= 7;
    }
    out.push(raw as u8);
    out
}
