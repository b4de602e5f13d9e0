#!/usr/bin/env python3
"""Drives a registry with confluent-kafka-python's real SchemaRegistryClient and Protobuf serdes.

    test_protobuf.py --url http://127.0.0.1:8081

Prints one line per check and exits 1 at the first failure, naming the check and what differed.
The registry must be fresh and disposable: the checks create subjects named py-proto-* and py_proto/*.proto.

No protoc: the message classes are built at runtime from FileDescriptorProtos (google.protobuf.message_factory).
The serializer registers each file as a base64 FileDescriptorProto (its dependencies first, under their import path
as subject) and the deserializer reads the writer schema back with format=serialized.
"""

import base64

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf import timestamp_pb2

from confluent_kafka.schema_registry import Schema, SchemaReference
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer

import common
from common import expect, expect_equal, framed_id, parse_url, run_plan, value_context

F = descriptor_pb2.FieldDescriptorProto

USER_FILE = "py_proto/user.proto"
EVENT_FILE = "py_proto/event.proto"
ADDRESS_FILE = "py_proto/address.proto"
ORDER_FILE = "py_proto/order.proto"

# The same file as ADDRESS_FILE's descriptor below, as .proto text: registered first by hand under its import path.
ADDRESS_PROTO = """syntax = "proto3";
package accord.interop;

message Address {
  string street = 1;
  string city = 2;
}
"""

# Imports Confluent's own files, which the registry must know without their being registered.
CONFLUENT_PROTO = """syntax = "proto3";
package accord.interop;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";

message Price {
  confluent.type.Decimal amount = 1 [(confluent.field_meta).params = {key: "precision", value: "10"}];
}
"""

USERS_TOPIC = "py-proto-users"
EVENTS_TOPIC = "py-proto-events"
ORDERS_TOPIC = "py-proto-orders"


def field(name, number, kind, type_name=None, label=F.LABEL_OPTIONAL):
    f = F(name=name, number=number, type=kind, label=label)
    if type_name is not None:
        f.type_name = type_name
    return f


def file_proto(name, messages, dependencies=()):
    fd = descriptor_pb2.FileDescriptorProto(name=name, package="accord.interop", syntax="proto3")
    fd.dependency.extend(dependencies)
    fd.message_type.extend(messages)
    return fd


def build_pool():
    """The four test files in one pool (well-known types come from the default pool's generated timestamp_pb2)."""
    pool = descriptor_pool.DescriptorPool()
    timestamp = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(timestamp)
    pool.Add(timestamp)

    # A plain message with a nested type and an enum; the second top-level message is serialized (index [1]).
    role = descriptor_pb2.EnumDescriptorProto(name="Role")
    role.value.add(name="ROLE_UNSPECIFIED", number=0)
    role.value.add(name="ROLE_ADMIN", number=1)
    phone = descriptor_pb2.DescriptorProto(name="Phone", field=[field("number", 1, F.TYPE_STRING)])
    user = descriptor_pb2.DescriptorProto(
        name="User",
        field=[
            field("name", 1, F.TYPE_STRING),
            field("age", 2, F.TYPE_INT32),
            field("tags", 3, F.TYPE_STRING, label=F.LABEL_REPEATED),
            field("role", 4, F.TYPE_ENUM, ".accord.interop.User.Role"),
            field("phone", 5, F.TYPE_MESSAGE, ".accord.interop.User.Phone"),
        ],
        nested_type=[phone],
        enum_type=[role],
    )
    marker = descriptor_pb2.DescriptorProto(name="Marker", field=[field("id", 1, F.TYPE_INT64)])
    pool.Add(file_proto(USER_FILE, [marker, user]))

    event = descriptor_pb2.DescriptorProto(
        name="Event",
        field=[
            field("kind", 1, F.TYPE_STRING),
            field("at", 2, F.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
        ],
    )
    pool.Add(file_proto(EVENT_FILE, [event], ["google/protobuf/timestamp.proto"]))

    address = descriptor_pb2.DescriptorProto(
        name="Address", field=[field("street", 1, F.TYPE_STRING), field("city", 2, F.TYPE_STRING)]
    )
    pool.Add(file_proto(ADDRESS_FILE, [address]))
    order = descriptor_pb2.DescriptorProto(
        name="Order",
        field=[
            field("id", 1, F.TYPE_STRING),
            field("ship_to", 2, F.TYPE_MESSAGE, ".accord.interop.Address"),
        ],
    )
    pool.Add(file_proto(ORDER_FILE, [order], [ADDRESS_FILE]))
    return pool


POOL = build_pool()


def message_class(full_name):
    return message_factory.GetMessageClass(POOL.FindMessageTypeByName(full_name))


User = message_class("accord.interop.User")
Event = message_class("accord.interop.Event")
Order = message_class("accord.interop.Order")


class Checks(common.Checks):

    def serializer(self, cls, **conf):
        return ProtobufSerializer(cls, self.new_client(), conf={"use.deprecated.format": False, **conf})

    def deserializer(self, cls):
        return ProtobufDeserializer(cls, {"use.deprecated.format": False}, schema_registry_client=self.new_client())

    def schema_types(self):
        types = self.new_client().get_schema_types()
        expect("PROTOBUF" in types, "expected PROTOBUF among %r" % (types,))

    def round_trip_plain(self):
        ctx = value_context(USERS_TOPIC)
        user = User(name="Ada", age=36, tags=["admin", "ops"], role=1, phone={"number": "+1 555"})
        data = self.serializer(User, **{"auto.register.schemas": True})(user, ctx)
        schema_id = framed_id(data)
        # The message indexes of [1] (User, the second message) are written as the zigzag varints 1, 2.
        expect_equal(data[5:7], b"\x02\x02", "message-index path [1] in the frame")
        self.ids["user"] = schema_id
        latest = self.new_client().get_latest_version(USERS_TOPIC + "-value")
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id vs the frame")
        expect_equal(latest.schema.schema_type, "PROTOBUF", "schema type of the latest version")
        text = latest.schema.schema_str
        expect("message User" in text and "message Marker" in text, "the stored .proto text: %r" % (text,))
        back = self.deserializer(User)(data, ctx)
        expect_equal(back, user, "deserialized message")
        return "id %d" % schema_id

    def serialized_format(self):
        """format=serialized returns the registered file as a base64 FileDescriptorProto."""
        registered = self.new_client().get_version(USERS_TOPIC + "-value", 1, fmt="serialized")
        fd = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(registered.schema.schema_str))
        expect_equal(fd.package, "accord.interop", "package of the serialized descriptor")
        expect_equal([m.name for m in fd.message_type], ["Marker", "User"], "messages of the serialized descriptor")
        by_id = self.new_client().get_schema(self.ids["user"], fmt="serialized")
        fd2 = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(by_id.schema_str))
        expect_equal(fd2.message_type, fd.message_type, "serialized descriptor by id vs by version")

    def round_trip_lookup(self):
        ctx = value_context(USERS_TOPIC)
        user = User(name="Grace", age=85)
        data = self.serializer(User, **{"auto.register.schemas": False})(user, ctx)
        expect_equal(framed_id(data), self.ids["user"], "id found by lookup of the base64 descriptor")
        expect_equal(self.deserializer(User)(data, ctx), user, "round trip")
        versions = self.new_client().get_versions(USERS_TOPIC + "-value")
        expect_equal(versions, [1], "versions after the lookup")

    def round_trip_well_known(self):
        ctx = value_context(EVENTS_TOPIC)
        event = Event(kind="login")
        event.at.seconds = 1_700_000_000
        event.at.nanos = 123
        data = self.serializer(Event, **{"auto.register.schemas": True})(event, ctx)
        schema_id = framed_id(data)
        latest = self.new_client().get_latest_version(EVENTS_TOPIC + "-value")
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id vs the frame")
        expect_equal(latest.schema.references or [], [], "references (well-known imports are built in)")
        expect(
            'import "google/protobuf/timestamp.proto"' in latest.schema.schema_str,
            "the stored text should import the timestamp: %r" % (latest.schema.schema_str,),
        )
        expect_equal(self.deserializer(Event)(data, ctx), event, "deserialized message")
        return "id %d" % schema_id

    def round_trip_well_known_registered(self):
        """skip.known.types off: the serializer registers google/protobuf/timestamp.proto as a subject of its own."""
        topic = EVENTS_TOPIC + "-known"
        ctx = value_context(topic)
        event = Event(kind="logout")
        event.at.seconds = 1_700_000_100
        data = self.serializer(Event, **{"auto.register.schemas": True, "skip.known.types": False})(event, ctx)
        schema_id = framed_id(data)
        timestamp = "google/protobuf/timestamp.proto"
        expect_equal(self.new_client().get_versions(timestamp), [1], "versions of the registered well-known file")
        latest = self.new_client().get_latest_version(topic + "-value")
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id vs the frame")
        references = [(ref.name, ref.subject, ref.version) for ref in latest.schema.references or []]
        expect_equal(references, [(timestamp, timestamp, 1)], "references of the registered version")
        expect_equal(self.deserializer(Event)(data, ctx), event, "deserialized message")
        return "id %d" % schema_id

    def confluent_imports(self):
        """confluent/meta.proto and confluent/type/decimal.proto are built in, like google/protobuf/*."""
        schema = Schema(CONFLUENT_PROTO, "PROTOBUF")
        schema_id = self.client.register_schema("py-proto-decimal-value", schema)
        registered = self.new_client().get_latest_version("py-proto-decimal-value")
        expect_equal((registered.schema_id, registered.schema.references or []), (schema_id, []), "id and references")
        found = self.new_client().lookup_schema("py-proto-decimal-value", schema)
        expect_equal(found.schema_id, schema_id, "lookup of the registered content")
        return "id %d" % schema_id

    def register_dependency(self):
        schema_id = self.client.register_schema(ADDRESS_FILE, Schema(ADDRESS_PROTO, "PROTOBUF"))
        self.ids["address"] = schema_id
        return "id %d under %s" % (schema_id, ADDRESS_FILE)

    def round_trip_reference(self):
        """The serializer registers (finds) the dependency under its import path, then the file with a reference."""
        ctx = value_context(ORDERS_TOPIC)
        order = Order(id="o-1", ship_to={"street": "1 Main St", "city": "Springfield"})
        data = self.serializer(Order, **{"auto.register.schemas": True})(order, ctx)
        schema_id = framed_id(data)
        expect(schema_id != self.ids["address"], "the referencing schema got the referenced schema's id")
        versions = self.new_client().get_versions(ADDRESS_FILE)
        expect_equal(versions, [1], "versions of %s (its base64 descriptor equals the .proto text)" % ADDRESS_FILE)
        latest = self.new_client().get_latest_version(ORDERS_TOPIC + "-value")
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id vs the frame")
        references = [(ref.name, ref.subject, ref.version) for ref in latest.schema.references or []]
        expect_equal(references, [(ADDRESS_FILE, ADDRESS_FILE, 1)], "references of the registered version")
        expect(
            ('import "%s"' % ADDRESS_FILE) in latest.schema.schema_str,
            "the stored text should import the dependency: %r" % (latest.schema.schema_str,),
        )
        referenced_by = self.client.get_referenced_by(ADDRESS_FILE, 1)
        expect_equal(referenced_by, [schema_id], "ids referencing the dependency")
        expect_equal(self.deserializer(Order)(data, ctx), order, "deserialized message")
        return "id %d" % schema_id

    def round_trip_reference_use_latest(self):
        ctx = value_context(ORDERS_TOPIC)
        order = Order(id="o-2", ship_to={"street": "2 Side St", "city": "Shelbyville"})
        serializer = self.serializer(Order, **{"auto.register.schemas": False, "use.latest.version": True})
        data = serializer(order, ctx)
        latest = self.new_client().get_latest_version(ORDERS_TOPIC + "-value")
        expect_equal(framed_id(data), latest.schema_id, "id in the frame vs the latest version's")
        expect_equal(self.deserializer(Order)(data, ctx), order, "deserialized message")

    def hand_registered_reference(self):
        """A .proto text importing the registered dependency, with the reference given by hand."""
        text = 'syntax = "proto3";\npackage accord.interop;\nimport "%s";\n\nmessage Parcel {\n  Address to = 1;\n}\n'
        schema = Schema(
            text % ADDRESS_FILE,
            "PROTOBUF",
            references=[SchemaReference(name=ADDRESS_FILE, subject=ADDRESS_FILE, version=1)],
        )
        schema_id = self.client.register_schema("py-proto-parcels-value", schema)
        found = self.new_client().lookup_schema("py-proto-parcels-value", schema)
        expect_equal((found.version, found.schema_id), (1, schema_id), "lookup of the registered content")
        referenced_by = sorted(self.client.get_referenced_by(ADDRESS_FILE, 1))
        expect(schema_id in referenced_by, "the parcel id %d among %r" % (schema_id, referenced_by))
        return "id %d" % schema_id


def main():
    checks = Checks(parse_url(__doc__))
    plan = [
        ("get_schema_types lists PROTOBUF", checks.schema_types),
        ("ProtobufSerializer -> ProtobufDeserializer (auto.register.schemas)", checks.round_trip_plain),
        ("get_version / get_schema with format=serialized", checks.serialized_format),
        ("ProtobufSerializer -> ProtobufDeserializer (lookup, auto.register.schemas off)", checks.round_trip_lookup),
        ("ProtobufSerializer -> ProtobufDeserializer (google/protobuf/timestamp.proto)", checks.round_trip_well_known),
        ("ProtobufSerializer -> ProtobufDeserializer (skip.known.types off)", checks.round_trip_well_known_registered),
        ("register_schema (confluent/meta.proto and confluent/type/decimal.proto imports)", checks.confluent_imports),
        ("register_schema (.proto text of the dependency under its import path)", checks.register_dependency),
        ("ProtobufSerializer -> ProtobufDeserializer (import of a registered subject)", checks.round_trip_reference),
        (
            "ProtobufSerializer -> ProtobufDeserializer (reference, use.latest.version)",
            checks.round_trip_reference_use_latest,
        ),
        ("register_schema and lookup_schema (.proto text with a reference)", checks.hand_registered_reference),
    ]
    run_plan(checks, plan)


if __name__ == "__main__":
    main()
