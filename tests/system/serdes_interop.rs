//! accord-client's serializers and deserializers against confluent-kafka-python's, through one server:
//! `tests/interop/python/serdes_bytes.py produce` writes records framed by confluent-kafka's Avro, JSON Schema and
//! Protobuf serializers, accord-client decodes them into the expected Rust values, then encodes its own values for
//! `serdes_bytes.py consume`, which decodes them with confluent-kafka's deserializers.
//!
//! The schemas and values here mirror the script's; both sides also compare against the other's `expected.json`.
//! SQLite only: the exchange tests the bytes, and the backends are covered by the other interop tests.

use std::path::Path;
use std::process::Command;

use accord_client::Client;
use accord_client::serdes::avro::{AvroDeserializer, AvroSerializer};
use accord_client::serdes::json::{JsonDeserializer, JsonSerializer};
use accord_client::serdes::protobuf::{
    DynamicDeserializer, ProtobufDeserializer, ProtobufSerializer,
};
use accord_client::serdes::{SerdeError, SerializerConfig};
use accord_tests::{INTEROP_SCRIPT_TIMEOUT, run_bounded, setup_interop_client};
use accord_types::SchemaReference;
use prost_reflect::ReflectMessage as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Backend, server_on};

const AVRO_SCHEMA: &str = r#"{"type":"record","name":"Order","namespace":"accord.serdes","fields":[
    {"name":"id","type":"string"},
    {"name":"amount","type":"double"},
    {"name":"tags","type":{"type":"array","items":"string"}},
    {"name":"note","type":["null","string"],"default":null}]}"#;

/// The Avro schema with one more field, defaulted: a reader of the script's records.
const AVRO_READER_SCHEMA: &str = r#"{"type":"record","name":"Order","namespace":"accord.serdes","fields":[
    {"name":"id","type":"string"},
    {"name":"amount","type":"double"},
    {"name":"tags","type":{"type":"array","items":"string"}},
    {"name":"note","type":["null","string"],"default":null},
    {"name":"channel","type":"string","default":"web"}]}"#;

/// Names `accord.serdes.Money`, defined only by the subject `serdes-money` it references.
const AVRO_REF_SCHEMA: &str = r#"{"type":"record","name":"Invoice","namespace":"accord.serdes","fields":[
    {"name":"id","type":"string"},{"name":"price","type":"accord.serdes.Money"}]}"#;

const JSON_SCHEMA: &str = r##"{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object",
    "properties":{"id":{"type":"string"},"amount":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}}},
    "required":["id","amount","tags"],"additionalProperties":false}"##;

/// The `.proto` text of the file the script builds as a descriptor.
const PROTO: &str = r#"syntax = "proto3";
package accord.serdes;

message Marker {
  int64 id = 1;
}

message Order {
  string id = 1;
  int32 quantity = 2;
  repeated string tags = 3;
  Line line = 4;

  message Line {
    string sku = 1;
    int64 count = 2;
  }
}
"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AvroOrder {
    id: String,
    amount: f64,
    tags: Vec<String>,
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct AvroOrderV2 {
    id: String,
    amount: f64,
    tags: Vec<String>,
    note: Option<String>,
    channel: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Money {
    units: i64,
    currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Invoice {
    id: String,
    price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct JsonOrder {
    id: String,
    amount: f64,
    tags: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Order {
    #[prost(string, tag = "1")]
    id: String,
    #[prost(int32, tag = "2")]
    quantity: i32,
    #[prost(string, repeated, tag = "3")]
    tags: Vec<String>,
    #[prost(message, optional, tag = "4")]
    line: Option<Line>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Line {
    #[prost(string, tag = "1")]
    sku: String,
    #[prost(int64, tag = "2")]
    count: i64,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn line(sku: &str, count: i64) -> Line {
    Line {
        sku: sku.into(),
        count,
    }
}

#[test]
fn confluent_kafka_python_and_accord_client_read_each_others_records() {
    let (dir, setup) = setup_interop_client("python");
    let python = setup
        .stdout
        .lines()
        .last()
        .expect("setup.sh prints the venv's python")
        .trim();
    let server = server_on(Backend::Sqlite, &[]);
    let from_python = tempfile::tempdir().expect("temporary folder");
    let from_rust = tempfile::tempdir().expect("temporary folder");
    let script = |mode: &str, flag: &str, folder: &Path| {
        let run = run_bounded(
            Command::new(python)
                .arg(dir.join("serdes_bytes.py"))
                .arg(mode)
                .args(["--url", server.url(), flag])
                .arg(folder)
                .current_dir(&dir),
            INTEROP_SCRIPT_TIMEOUT,
        );
        println!("{}", run.stdout);
        assert!(
            run.success(),
            "serdes_bytes.py {mode} failed: {}\n--- server stderr ---\n{}",
            run.describe(),
            server.stderr()
        );
    };

    script("produce", "--out", from_python.path());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = Client::new(server.url()).expect("client");
    runtime.block_on(decode_python_records(&client, from_python.path()));
    runtime.block_on(encode_rust_records(&client, from_rust.path()));
    script("consume", "--in", from_rust.path());
}

fn read(folder: &Path, name: &str) -> Vec<u8> {
    std::fs::read(folder.join(name)).unwrap_or_else(|err| panic!("read {name}: {err}"))
}

async fn decode_python_records(client: &Client, folder: &Path) {
    let expected: serde_json::Value =
        serde_json::from_slice(&read(folder, "expected.json")).expect("expected.json");

    let avro = read(folder, "avro.bin");
    let order: AvroOrder = AvroDeserializer::new(client.clone())
        .deserialize(&avro)
        .await
        .expect("decode avro.bin");
    let want = AvroOrder {
        id: "py-1".into(),
        amount: 12.5,
        tags: strings(&["a", "b"]),
        note: Some("from python".into()),
    };
    assert_eq!(order, want);
    assert_eq!(
        serde_json::to_value(&order).expect("json"),
        expected["avro"]
    );
    // Writer-to-reader resolution: the reader's added field takes its default.
    let reader =
        AvroDeserializer::<AvroOrderV2>::with_reader_schema(client.clone(), AVRO_READER_SCHEMA)
            .expect("reader schema");
    let v2 = reader
        .deserialize(&avro)
        .await
        .expect("decode avro.bin as v2");
    assert_eq!(
        (v2.id.as_str(), v2.channel.as_str(), v2.tags),
        ("py-1", "web", want.tags)
    );

    // The script registered `serdes-money` and an `Invoice` schema referencing it.
    let invoice: Invoice = AvroDeserializer::new(client.clone())
        .deserialize(&read(folder, "avro_ref.bin"))
        .await
        .expect("decode avro_ref.bin");
    assert_eq!(
        invoice,
        Invoice {
            id: "py-4".into(),
            price: Money {
                units: 1250,
                currency: "EUR".into()
            }
        }
    );
    assert_eq!(
        serde_json::to_value(&invoice).expect("json"),
        expected["avro_ref"]
    );

    let json_record = read(folder, "json.bin");
    let deserializer = JsonDeserializer::<JsonOrder>::with_validation(client.clone());
    let order = deserializer
        .deserialize(&json_record)
        .await
        .expect("decode json.bin");
    assert_eq!(
        order,
        JsonOrder {
            id: "py-2".into(),
            amount: 7.25,
            tags: strings(&["x"])
        }
    );
    assert_eq!(
        serde_json::to_value(&order).expect("json"),
        expected["json"]
    );

    let proto = read(folder, "protobuf.bin");
    assert_eq!(proto[5..7], [0x02, 0x02], "Order is message [1]");
    let order = ProtobufDeserializer::<Order>::new()
        .deserialize(&proto)
        .expect("decode protobuf.bin");
    let want = Order {
        id: "py-3".into(),
        quantity: 3,
        tags: strings(&["p", "q"]),
        line: Some(line("sku-9", 42)),
    };
    assert_eq!(order, want);
    let dynamic = DynamicDeserializer::new(client.clone());
    let message = dynamic
        .deserialize(&proto)
        .await
        .expect("decode protobuf.bin dynamically");
    assert_eq!(message.descriptor().full_name(), "accord.serdes.Order");
    assert_eq!(message.transcode_to::<Order>().expect("transcode"), want);

    let nested = read(folder, "protobuf_line.bin");
    assert_eq!(
        nested[5..8],
        [0x04, 0x02, 0x00],
        "Order.Line is message [1, 0]"
    );
    let message = dynamic
        .deserialize(&nested)
        .await
        .expect("decode protobuf_line.bin dynamically");
    assert_eq!(message.descriptor().full_name(), "accord.serdes.Order.Line");
    assert_eq!(
        message.transcode_to::<Line>().expect("transcode"),
        line("py-line", 7)
    );
    let decoded = ProtobufDeserializer::<Line>::new()
        .deserialize(&nested)
        .expect("decode Line");
    assert_eq!(decoded, line("py-line", 7));
}

async fn encode_rust_records(client: &Client, folder: &Path) {
    let config = SerializerConfig::value;
    // Each record file holds what a serializer returned; the script decodes it with confluent-kafka.
    let write = |name: &str, encoded: Result<Vec<u8>, SerdeError>| {
        let bytes = encoded.unwrap_or_else(|err| panic!("encode {name}: {err}"));
        std::fs::write(folder.join(name), bytes)
            .unwrap_or_else(|err| panic!("write {name}: {err}"));
    };

    let avro = AvroSerializer::new(client.clone(), AVRO_SCHEMA, &config("serdes-avro"))
        .expect("avro serializer");
    let order = AvroOrder {
        id: "rust-1".into(),
        amount: -3.5,
        tags: Vec::new(),
        note: None,
    };
    write("avro.bin", avro.serialize(&order).await);

    let reference = SchemaReference {
        name: "accord.serdes.Money".into(),
        subject: "serdes-money".into(),
        version: 1,
    };
    let invoices = AvroSerializer::with_references(
        client.clone(),
        AVRO_REF_SCHEMA,
        vec![reference],
        &config("serdes-avro-ref"),
    )
    .expect("avro serializer with a reference");
    let invoice = Invoice {
        id: "rust-4".into(),
        price: Money {
            units: -7,
            currency: "JPY".into(),
        },
    };
    write("avro_ref.bin", invoices.serialize(&invoice).await);

    let json = JsonSerializer::new(client.clone(), JSON_SCHEMA, &config("serdes-json"))
        .expect("json serializer");
    let order = JsonOrder {
        id: "rust-2".into(),
        amount: 1000.0,
        tags: strings(&["r", "s", "t"]),
    };
    write("json.bin", json.serialize(&order).await);

    let orders = ProtobufSerializer::new(
        client.clone(),
        PROTO,
        "accord.serdes.Order",
        &config("serdes-protobuf"),
    )
    .expect("protobuf serializer");
    let order = Order {
        id: "rust-3".into(),
        quantity: 5,
        tags: strings(&["rs"]),
        line: Some(line("sku-1", -2)),
    };
    write("protobuf.bin", orders.serialize(&order).await);
    assert_eq!(orders.message_indexes(), Some(&[1][..]));

    let lines = ProtobufSerializer::new(
        client.clone(),
        PROTO,
        "accord.serdes.Order.Line",
        &config("serdes-protobuf-line"),
    )
    .expect("protobuf serializer");
    write(
        "protobuf_line.bin",
        lines.serialize(&line("rust-line", 11)).await,
    );
    assert_eq!(lines.message_indexes(), Some(&[1, 0][..]));

    let expected = json!({
        "avro": {"id": "rust-1", "amount": -3.5, "tags": [], "note": null},
        "avro_ref": {"id": "rust-4", "price": {"units": -7, "currency": "JPY"}},
        "json": {"id": "rust-2", "amount": 1000.0, "tags": ["r", "s", "t"]},
        "protobuf": {"id": "rust-3", "quantity": 5, "tags": ["rs"], "line": {"sku": "sku-1", "count": "-2"}},
        "protobuf_line": {"sku": "rust-line", "count": "11"},
    });
    write("expected.json", Ok(expected.to_string().into_bytes()));
}
