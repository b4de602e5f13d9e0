#!/usr/bin/env python3
"""Exchanges framed records with accord-client through files: confluent-kafka's serializers write, its deserializers read.

    serdes_bytes.py produce --url http://127.0.0.1:8081 --out DIR
    serdes_bytes.py consume --url http://127.0.0.1:8081 --in DIR

produce serializes PY_VALUES with confluent-kafka's AvroSerializer, JSONSerializer and ProtobufSerializer
(auto.register.schemas, the topic name strategy) and writes avro.bin, avro_ref.bin (an Avro schema naming a type of
the referenced subject serdes-money), json.bin, protobuf.bin (accord.serdes.Order, message indexes [1]) and
protobuf_line.bin (accord.serdes.Order.Line, [1, 0]), plus expected.json with the values.
consume reads the same file names, written by accord-client from RUST_VALUES, deserializes them with
confluent-kafka's deserializers and compares them with RUST_VALUES and with DIR/expected.json.
accord-client's side is tests/system/serdes_interop.rs; the schemas and values here must match the ones there.
Prints one line per check and exits 1 at the first failure.
"""

import argparse
import json
import os

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

from confluent_kafka.schema_registry import Schema, SchemaReference
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer

import common
from common import expect, expect_equal, framed_id, run_plan, text, value_context

AVRO_TOPIC = "serdes-avro"
AVRO_REF_TOPIC = "serdes-avro-ref"
MONEY_SUBJECT = "serdes-money"
JSON_TOPIC = "serdes-json"
PROTOBUF_TOPIC = "serdes-protobuf"
PROTOBUF_LINE_TOPIC = "serdes-protobuf-line"

AVRO_SCHEMA = {
    "type": "record",
    "name": "Order",
    "namespace": "accord.serdes",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}

MONEY_SCHEMA = {
    "type": "record",
    "name": "Money",
    "namespace": "accord.serdes",
    "fields": [{"name": "units", "type": "long"}, {"name": "currency", "type": "string"}],
}

# Names accord.serdes.Money, which only the reference to MONEY_SUBJECT defines.
AVRO_REF_SCHEMA = {
    "type": "record",
    "name": "Invoice",
    "namespace": "accord.serdes",
    "fields": [{"name": "id", "type": "string"}, {"name": "price", "type": "accord.serdes.Money"}],
}

JSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Order",
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "amount": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["id", "amount", "tags"],
    "additionalProperties": False,
}

PY_VALUES = {
    "avro": {"id": "py-1", "amount": 12.5, "tags": ["a", "b"], "note": "from python"},
    "avro_ref": {"id": "py-4", "price": {"units": 1250, "currency": "EUR"}},
    "json": {"id": "py-2", "amount": 7.25, "tags": ["x"]},
    "protobuf": {"id": "py-3", "quantity": 3, "tags": ["p", "q"], "line": {"sku": "sku-9", "count": "42"}},
    "protobuf_line": {"sku": "py-line", "count": "7"},
}

RUST_VALUES = {
    "avro": {"id": "rust-1", "amount": -3.5, "tags": [], "note": None},
    "avro_ref": {"id": "rust-4", "price": {"units": -7, "currency": "JPY"}},
    "json": {"id": "rust-2", "amount": 1e3, "tags": ["r", "s", "t"]},
    "protobuf": {"id": "rust-3", "quantity": 5, "tags": ["rs"], "line": {"sku": "sku-1", "count": "-2"}},
    "protobuf_line": {"sku": "rust-line", "count": "11"},
}


def build_pool():
    """accord.serdes's order.proto: Marker (index 0), Order (index 1) with the nested Line (index [1, 0])."""
    F = descriptor_pb2.FieldDescriptorProto

    def field(name, number, kind, type_name=None, label=F.LABEL_OPTIONAL):
        f = F(name=name, number=number, type=kind, label=label)
        if type_name is not None:
            f.type_name = type_name
        return f

    line = descriptor_pb2.DescriptorProto(
        name="Line", field=[field("sku", 1, F.TYPE_STRING), field("count", 2, F.TYPE_INT64)]
    )
    order = descriptor_pb2.DescriptorProto(
        name="Order",
        field=[
            field("id", 1, F.TYPE_STRING),
            field("quantity", 2, F.TYPE_INT32),
            field("tags", 3, F.TYPE_STRING, label=F.LABEL_REPEATED),
            field("line", 4, F.TYPE_MESSAGE, ".accord.serdes.Order.Line"),
        ],
        nested_type=[line],
    )
    marker = descriptor_pb2.DescriptorProto(name="Marker", field=[field("id", 1, F.TYPE_INT64)])
    fd = descriptor_pb2.FileDescriptorProto(name="serdes/order.proto", package="accord.serdes", syntax="proto3")
    fd.message_type.extend([marker, order])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return pool


POOL = build_pool()
Order = message_factory.GetMessageClass(POOL.FindMessageTypeByName("accord.serdes.Order"))
Line = message_factory.GetMessageClass(POOL.FindMessageTypeByName("accord.serdes.Order.Line"))
PROTO_CLASSES = {"protobuf": (Order, PROTOBUF_TOPIC), "protobuf_line": (Line, PROTOBUF_LINE_TOPIC)}


def proto_message(cls, value):
    return json_format.ParseDict(value, cls())


def proto_dict(message):
    """The message as the JSON mapping (int64 as strings), with default values spelled out."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


class Checks(common.Checks):
    def __init__(self, url, folder):
        super().__init__(url)
        self.folder = folder

    def path(self, name):
        return os.path.join(self.folder, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return "%d bytes, id %d" % (len(data), framed_id(data))

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def expected(self, kind):
        with open(self.path("expected.json")) as f:
            written = json.load(f)[kind]
        expect_equal(written, RUST_VALUES[kind], "%s in expected.json vs this script's RUST_VALUES" % kind)
        return written

    # ----- produce -----

    def produce_avro(self):
        serializer = AvroSerializer(self.new_client(), text(AVRO_SCHEMA), conf={"auto.register.schemas": True})
        return self.write("avro.bin", serializer(PY_VALUES["avro"], value_context(AVRO_TOPIC)))

    def produce_avro_ref(self):
        client = self.new_client()
        client.register_schema(MONEY_SUBJECT, Schema(text(MONEY_SCHEMA), "AVRO"))
        references = [SchemaReference("accord.serdes.Money", MONEY_SUBJECT, 1)]
        schema = Schema(text(AVRO_REF_SCHEMA), "AVRO", references)
        serializer = AvroSerializer(client, schema, conf={"auto.register.schemas": True})
        return self.write("avro_ref.bin", serializer(PY_VALUES["avro_ref"], value_context(AVRO_REF_TOPIC)))

    def produce_json(self):
        serializer = JSONSerializer(text(JSON_SCHEMA), self.new_client(), conf={"auto.register.schemas": True})
        return self.write("json.bin", serializer(PY_VALUES["json"], value_context(JSON_TOPIC)))

    def produce_protobuf(self, kind):
        cls, topic = PROTO_CLASSES[kind]
        conf = {"auto.register.schemas": True, "use.deprecated.format": False}
        serializer = ProtobufSerializer(cls, self.new_client(), conf=conf)
        return self.write(kind + ".bin", serializer(proto_message(cls, PY_VALUES[kind]), value_context(topic)))

    def produce_expected(self):
        with open(self.path("expected.json"), "w") as f:
            json.dump(PY_VALUES, f, indent=2)

    # ----- consume -----

    def consume_avro(self):
        data = self.read("avro.bin")
        value = AvroDeserializer(self.new_client())(data, value_context(AVRO_TOPIC))
        expect_equal(value, self.expected("avro"), "Avro record written by accord-client")
        return "id %d" % framed_id(data)

    def consume_avro_ref(self):
        data = self.read("avro_ref.bin")
        value = AvroDeserializer(self.new_client())(data, value_context(AVRO_REF_TOPIC))
        expect_equal(value, self.expected("avro_ref"), "Avro record with a schema reference written by accord-client")
        return "id %d" % framed_id(data)

    def consume_json(self):
        data = self.read("json.bin")
        value = JSONDeserializer(None, schema_registry_client=self.new_client())(data, value_context(JSON_TOPIC))
        expect_equal(value, self.expected("json"), "JSON record written by accord-client")
        # The writer schema accord-client registered is the one this script registered.
        latest = self.new_client().get_latest_version(JSON_TOPIC + "-value")
        expect_equal(framed_id(data), latest.schema_id, "id in the frame vs the subject's latest")
        return "id %d" % framed_id(data)

    def consume_protobuf(self, kind, indexes):
        cls, topic = PROTO_CLASSES[kind]
        data = self.read(kind + ".bin")
        expect_equal(data[5 : 5 + len(indexes)], indexes, "message indexes in the frame")
        deserializer = ProtobufDeserializer(cls, {"use.deprecated.format": False}, schema_registry_client=self.new_client())
        message = deserializer(data, value_context(topic))
        expected = proto_dict(proto_message(cls, self.expected(kind)))
        expect_equal(proto_dict(message), expected, "Protobuf message written by accord-client")
        return "id %d" % framed_id(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["produce", "consume"])
    parser.add_argument("--url", required=True, help="registry base URL")
    parser.add_argument("--out", help="produce: the folder to write records to")
    parser.add_argument("--in", dest="input", help="consume: the folder to read records from")
    args = parser.parse_args()
    if args.mode == "produce":
        expect(args.out is not None, "produce needs --out")
        checks = Checks(args.url, args.out)
        plan = [
            ("AvroSerializer -> avro.bin", checks.produce_avro),
            ("AvroSerializer (a schema reference) -> avro_ref.bin", checks.produce_avro_ref),
            ("JSONSerializer -> json.bin", checks.produce_json),
            ("ProtobufSerializer (Order, [1]) -> protobuf.bin", lambda: checks.produce_protobuf("protobuf")),
            ("ProtobufSerializer (Order.Line, [1, 0]) -> protobuf_line.bin", lambda: checks.produce_protobuf("protobuf_line")),
            ("expected values -> expected.json", checks.produce_expected),
        ]
    else:
        expect(args.input is not None, "consume needs --in")
        checks = Checks(args.url, args.input)
        plan = [
            ("avro.bin -> AvroDeserializer", checks.consume_avro),
            ("avro_ref.bin -> AvroDeserializer (a schema reference)", checks.consume_avro_ref),
            ("json.bin -> JSONDeserializer", checks.consume_json),
            ("protobuf.bin -> ProtobufDeserializer (Order)", lambda: checks.consume_protobuf("protobuf", b"\x02\x02")),
            (
                "protobuf_line.bin -> ProtobufDeserializer (Order.Line)",
                lambda: checks.consume_protobuf("protobuf_line", b"\x04\x02\x00"),
            ),
        ]
    run_plan(checks, plan)


if __name__ == "__main__":
    main()
