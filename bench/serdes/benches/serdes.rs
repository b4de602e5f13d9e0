//! Encode and decode of one message, framed for Kafka, three ways: the raw library encoding
//! without framing (apache-avro, prost), accord-client's serializers, and `schema_registry_converter`,
//! all resolving the schema from one in-process `accord serve` (only on first use: every side caches).
//!
//! Run: `cargo bench -p accord-bench-serdes` (see `bench/README.md`). Each group's rows are one
//! message on the same machine in the same run, so their ratios are the result.
//!
//! Fairness: `schema_registry_converter` is async only; its calls run through `block_on` on a
//! current-thread runtime, and so do the `accord_async` rows, which use accord-client's async API
//! the same way. The `accord` rows use accord-client's synchronous hot path (`serialize_into`
//! after `prepare`, `deserialize_known` after the first sight of an id). The `raw` rows are the
//! best a program that knows its one schema can do with the same libraries: apache-avro's datum
//! writer and reader built once for the same writer schema, and the same reused output buffer as
//! the `accord` rows; what they leave out is the frame and the registry. Avro decoding has two raw
//! rows: apache-avro's usual `Value` and `from_value` (the converter's route too), and its direct
//! `read_deser`, which needs Rust structs named like their Avro records. The fixture
//! warms every cache (accord-client's and the converter's) before anything is timed. The converter
//! decodes Avro to an `apache_avro::Value` and Protobuf to the payload bytes; its rows then finish
//! the job (`from_value`, `Message::decode`) so that every row ends with the same typed value.

use std::future::Future;
use std::sync::OnceLock;

use accord_bench_serdes::Registry;
use accord_client::Client;
use accord_client::serdes::SerializerConfig;
use accord_client::serdes::avro::{AvroDeserializer, AvroSerializer};
use accord_client::serdes::protobuf::{ProtobufDeserializer, ProtobufSerializer};
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use divan::{Bencher, black_box};
use prost::Message;
use schema_registry_converter::async_impl::avro::{AvroDecoder, AvroEncoder};
use schema_registry_converter::async_impl::proto_raw::{ProtoRawDecoder, ProtoRawEncoder};
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use schema_registry_converter::schema_registry_common::SubjectNameStrategy;
use serde::{Deserialize, Serialize};

fn main() {
    // A thousand samples of a hundred iterations for every row: divan would otherwise size each
    // row's samples from its first, possibly cold, run, and a row measured one iteration at a time
    // carries the timer's own cost. `--sample-count` and `--sample-size` still override these.
    divan::Divan::default()
        .sample_count(1000)
        .sample_size(100)
        .config_with_args()
        .main();
}

/// The Avro message: a typical order event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: i64,
    customer: String,
    amount: f64,
    currency: String,
    paid: bool,
    note: Option<String>,
    items: Vec<String>,
    created_at: i64,
}

const AVRO_SCHEMA: &str = r#"{"type": "record", "name": "Order", "namespace": "bench",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "customer", "type": "string"},
    {"name": "amount", "type": "double"},
    {"name": "currency", "type": "string"},
    {"name": "paid", "type": "boolean"},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "items", "type": {"type": "array", "items": "string"}},
    {"name": "created_at", "type": "long"}
  ]}"#;

/// The same order as a Protobuf message.
#[derive(Clone, PartialEq, Message)]
struct ProtoOrder {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    customer: String,
    #[prost(double, tag = "3")]
    amount: f64,
    #[prost(string, tag = "4")]
    currency: String,
    #[prost(bool, tag = "5")]
    paid: bool,
    #[prost(string, optional, tag = "6")]
    note: Option<String>,
    #[prost(string, repeated, tag = "7")]
    items: Vec<String>,
    #[prost(int64, tag = "8")]
    created_at: i64,
}

const PROTO_SCHEMA: &str = "syntax = \"proto3\";
package bench;

message Order {
  int64 id = 1;
  string customer = 2;
  double amount = 3;
  string currency = 4;
  bool paid = 5;
  optional string note = 6;
  repeated string items = 7;
  int64 created_at = 8;
}
";

const AVRO_TOPIC: &str = "bench-avro";
const PROTO_TOPIC: &str = "bench-proto";

fn order() -> Order {
    Order {
        id: 1_234_567_890,
        customer: "customer-00042".to_owned(),
        amount: 1_999.95,
        currency: "EUR".to_owned(),
        paid: true,
        note: Some("leave at the door".to_owned()),
        items: vec![
            "sku-1".to_owned(),
            "sku-22".to_owned(),
            "sku-333".to_owned(),
        ],
        created_at: 1_764_800_000_000,
    }
}

fn proto_order() -> ProtoOrder {
    let order = order();
    ProtoOrder {
        id: order.id,
        customer: order.customer,
        amount: order.amount,
        currency: order.currency,
        paid: order.paid,
        note: order.note,
        items: order.items,
        created_at: order.created_at,
    }
}

/// Everything the benchmarks share, prepared once: the registry, warmed serializers of both
/// clients, and one framed record of each format.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    _registry: Registry,
    avro_schema: apache_avro::Schema,
    avro_serializer: AvroSerializer<Order>,
    avro_deserializer: AvroDeserializer<Order>,
    /// With the writer schema as its reader schema, as a consumer built from the same `.avsc` has.
    avro_reader_deserializer: AvroDeserializer<Order>,
    avro_record: Vec<u8>,
    avro_encoder: AvroEncoder,
    avro_decoder: AvroDecoder,
    proto_serializer: ProtobufSerializer<ProtoOrder>,
    proto_deserializer: ProtobufDeserializer<ProtoOrder>,
    proto_record: Vec<u8>,
    proto_encoder: ProtoRawEncoder,
    proto_decoder: ProtoRawDecoder,
}

fn avro_strategy() -> SubjectNameStrategy {
    SubjectNameStrategy::TopicNameStrategy(AVRO_TOPIC.to_owned(), false)
}

fn proto_strategy() -> SubjectNameStrategy {
    SubjectNameStrategy::TopicNameStrategy(PROTO_TOPIC.to_owned(), false)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let registry = Registry::start().expect("start the benchmark registry");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let client = Client::new(registry.url.clone()).expect("a client");
        let avro_serializer = AvroSerializer::new(
            client.clone(),
            AVRO_SCHEMA,
            &SerializerConfig::value(AVRO_TOPIC),
        )
        .expect("an Avro serializer");
        let proto_serializer = ProtobufSerializer::new(
            client.clone(),
            PROTO_SCHEMA,
            "bench.Order",
            &SerializerConfig::value(PROTO_TOPIC),
        )
        .expect("a Protobuf serializer");
        let avro_reader_deserializer =
            AvroDeserializer::with_reader_schema(client.clone(), AVRO_SCHEMA)
                .expect("an Avro deserializer with a reader schema");
        let avro_deserializer = AvroDeserializer::new(client);
        let proto_deserializer = ProtobufDeserializer::new();
        let avro_encoder = AvroEncoder::new(SrSettings::new(registry.url.clone()));
        let avro_decoder = AvroDecoder::new(SrSettings::new(registry.url.clone()));
        let proto_encoder = ProtoRawEncoder::new(SrSettings::new(registry.url.clone()));
        let proto_decoder = ProtoRawDecoder::new(SrSettings::new(registry.url.clone()));
        // Registration, and the first sight of each id, happen here and not in the loops.
        let (avro_record, proto_record) = runtime.block_on(async {
            let avro_record = avro_serializer
                .serialize(&order())
                .await
                .expect("encode Avro");
            let proto_record = proto_serializer
                .serialize(&proto_order())
                .await
                .expect("encode Protobuf");
            let decoded = avro_deserializer
                .deserialize(&avro_record)
                .await
                .expect("decode Avro");
            assert_eq!(decoded, order());
            let decoded = avro_reader_deserializer
                .deserialize(&avro_record)
                .await
                .expect("decode Avro with a reader schema");
            assert_eq!(decoded, order());
            let theirs = avro_encoder
                .encode_struct(order(), &avro_strategy())
                .await
                .expect("schema_registry_converter encodes Avro");
            assert_eq!(theirs, avro_record, "both clients frame Avro identically");
            avro_decoder
                .decode(Some(&avro_record))
                .await
                .expect("schema_registry_converter decodes Avro");
            let payload = proto_order().encode_to_vec();
            let theirs = proto_encoder
                .encode(&payload, "bench.Order", proto_strategy())
                .await
                .expect("schema_registry_converter encodes Protobuf");
            assert_eq!(
                theirs, proto_record,
                "both clients frame Protobuf identically"
            );
            proto_decoder
                .decode(Some(&proto_record))
                .await
                .expect("schema_registry_converter decodes Protobuf");
            (avro_record, proto_record)
        });
        Fixture {
            runtime,
            _registry: registry,
            avro_schema: apache_avro::Schema::parse_str(AVRO_SCHEMA).expect("the Avro schema"),
            avro_serializer,
            avro_deserializer,
            avro_reader_deserializer,
            avro_record,
            avro_encoder,
            avro_decoder,
            proto_serializer,
            proto_deserializer,
            proto_record,
            proto_encoder,
            proto_decoder,
        }
    })
}

/// The payload after Confluent's five-byte prefix (magic byte and id).
const PREFIX: usize = 5;

/// Times `encode` appending one record to a buffer that every iteration reuses, as a producer's
/// loop does.
fn bench_into(bencher: Bencher, mut encode: impl FnMut(&mut Vec<u8>)) {
    let mut out = Vec::with_capacity(128);
    bencher.bench_local(|| {
        out.clear();
        encode(&mut out);
        black_box(&out);
    });
}

/// Times one async call, each run to completion through `block_on` on the fixture's
/// current-thread runtime (the only way to call `schema_registry_converter`).
fn bench_blocking<F: Future>(bencher: Bencher, mut call: impl FnMut() -> F) {
    let runtime = &fixture().runtime;
    bencher.bench_local(|| runtime.block_on(call()));
}

/// The `accord` and `accord_async` rows of an encode group: the fixture's `$serializer` encodes
/// `$value` with `serialize_into` (the synchronous hot path) and with the async `serialize`.
macro_rules! accord_encode_rows {
    ($serializer:ident, $value:expr) => {
        #[divan::bench]
        fn accord(bencher: Bencher) {
            let (serializer, value) = (&fixture().$serializer, $value);
            bench_into(bencher, |out| {
                serializer
                    .serialize_into(black_box(&value), out)
                    .expect("encode");
            });
        }

        #[divan::bench]
        fn accord_async(bencher: Bencher) {
            let (serializer, value) = (&fixture().$serializer, $value);
            bench_blocking(bencher, || async {
                serializer
                    .serialize(black_box(&value))
                    .await
                    .expect("encode")
            });
        }
    };
}

mod avro_encode {
    use super::*;

    /// apache-avro alone: the datum, no framing and no registry, with a writer built once.
    #[divan::bench]
    fn raw(bencher: Bencher) {
        let (fixture, value) = (fixture(), order());
        let writer = GenericDatumWriter::builder(&fixture.avro_schema)
            .build()
            .expect("a writer");
        bench_into(bencher, |out| {
            writer.write_ser(out, black_box(&value)).expect("encode");
        });
    }

    accord_encode_rows!(avro_serializer, order());

    #[divan::bench]
    fn converter(bencher: Bencher) {
        let (encoder, value, strategy) = (&fixture().avro_encoder, order(), avro_strategy());
        bench_blocking(bencher, || async {
            let encoded = encoder.encode_struct(black_box(&value), &strategy);
            encoded.await.expect("encode")
        });
    }
}

mod avro_decode {
    use super::*;

    /// The fixture, and apache-avro's datum reader for its schema, built once per row.
    fn reader() -> (&'static Fixture, GenericDatumReader<'static>) {
        let fixture = fixture();
        let reader = GenericDatumReader::builder(&fixture.avro_schema)
            .build()
            .expect("a reader");
        (fixture, reader)
    }

    /// apache-avro alone: the datum after the prefix, into a `Value`, then the typed value.
    #[divan::bench]
    fn raw(bencher: Bencher) {
        let (fixture, reader) = reader();
        bencher.bench_local(|| {
            let mut payload = &black_box(&fixture.avro_record)[PREFIX..];
            let value = reader.read_value(&mut payload).expect("decode");
            apache_avro::from_value::<Order>(&value).expect("typed")
        });
    }

    /// apache-avro's direct deserializer (no `Value`), which needs each Rust struct named like its
    /// Avro record and cannot feed self-describing targets: the fastest apache-avro offers here.
    #[divan::bench]
    fn raw_direct(bencher: Bencher) {
        let (fixture, reader) = reader();
        bencher.bench_local(|| {
            let mut payload = &black_box(&fixture.avro_record)[PREFIX..];
            reader.read_deser::<Order>(&mut payload).expect("decode")
        });
    }

    /// Times the synchronous decode of the fixture's record by `deserializer`.
    fn decode_known(bencher: Bencher, deserializer: &AvroDeserializer<Order>) {
        let record = &fixture().avro_record;
        bencher.bench_local(|| {
            deserializer
                .deserialize_known(black_box(record))
                .expect("decode")
        });
    }

    #[divan::bench]
    fn accord(bencher: Bencher) {
        decode_known(bencher, &fixture().avro_deserializer);
    }

    /// With a reader schema equal to the writer schema.
    #[divan::bench]
    fn accord_reader(bencher: Bencher) {
        decode_known(bencher, &fixture().avro_reader_deserializer);
    }

    #[divan::bench]
    fn accord_async(bencher: Bencher) {
        let fixture = fixture();
        bench_blocking(bencher, || async {
            let record = black_box(&fixture.avro_record);
            fixture
                .avro_deserializer
                .deserialize(record)
                .await
                .expect("decode")
        });
    }

    /// The converter decodes to an `apache_avro::Value`; `from_value` finishes the typed order.
    #[divan::bench]
    fn converter(bencher: Bencher) {
        let fixture = fixture();
        bench_blocking(bencher, || async {
            let record = black_box(&fixture.avro_record);
            let decoded = fixture
                .avro_decoder
                .decode(Some(record))
                .await
                .expect("decode");
            apache_avro::from_value::<Order>(&decoded.value).expect("typed")
        });
    }
}

mod protobuf_encode {
    use super::*;

    /// prost alone: the message, no framing and no registry.
    #[divan::bench]
    fn raw(bencher: Bencher) {
        let value = proto_order();
        bench_into(bencher, |out| {
            black_box(&value).encode(out).expect("encode");
        });
    }

    accord_encode_rows!(proto_serializer, proto_order());

    /// The converter frames bytes that prost encoded first; its strategy is taken by value, so
    /// each call builds one, as a caller must.
    #[divan::bench]
    fn converter(bencher: Bencher) {
        let (encoder, value) = (&fixture().proto_encoder, proto_order());
        bench_blocking(bencher, || async {
            let payload = black_box(&value).encode_to_vec();
            let encoded = encoder.encode(&payload, "bench.Order", proto_strategy());
            encoded.await.expect("encode")
        });
    }
}

mod protobuf_decode {
    use super::*;

    /// prost alone: the message after the prefix and the `[0]` message index.
    #[divan::bench]
    fn raw(bencher: Bencher) {
        let fixture = fixture();
        bencher.bench_local(|| {
            ProtoOrder::decode(&black_box(&fixture.proto_record)[PREFIX + 1..]).expect("decode")
        });
    }

    #[divan::bench]
    fn accord(bencher: Bencher) {
        let fixture = fixture();
        bencher.bench_local(|| {
            fixture
                .proto_deserializer
                .deserialize(black_box(&fixture.proto_record))
                .expect("decode")
        });
    }

    /// The converter strips the framing (checking the id with the registry's cached schema);
    /// prost decodes the rest.
    #[divan::bench]
    fn converter(bencher: Bencher) {
        let fixture = fixture();
        bench_blocking(bencher, || async {
            let record = black_box(&fixture.proto_record);
            let decoded = fixture.proto_decoder.decode(Some(record)).await;
            let decoded = decoded.expect("decode").expect("a record");
            ProtoOrder::decode(decoded.bytes.as_slice()).expect("typed")
        });
    }
}
