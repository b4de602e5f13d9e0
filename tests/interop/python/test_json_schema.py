#!/usr/bin/env python3
"""Drives a registry with confluent-kafka-python's real SchemaRegistryClient and JSON Schema serdes.

    test_json_schema.py --url http://127.0.0.1:8081

Prints one line per check and exits 1 at the first failure, naming the check and what differed.
The registry must be fresh and disposable: the checks create subjects named py-json-*.
"""

import json

from confluent_kafka.schema_registry import Schema, SchemaReference
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import SerializationError

import common
from common import CheckFailed, expect, expect_equal, framed_id, parse_url, run_plan, text, value_context

USER = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "User",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}

# Adds an optional property to the closed content model: BACKWARD compatible with USER.
USER_V2 = {**USER, "properties": {**USER["properties"], "email": {"type": "string"}}}
# Changes "age" from integer to string: a reader of this cannot read USER's data.
USER_BAD = {**USER, "properties": {**USER["properties"], "age": {"type": "string"}}}

# The referenced schema, registered under a subject of its own; CUSTOMER names it by ADDRESS_REF in its "$ref".
ADDRESS_REF = "address.json"
ADDRESS = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Address",
    "type": "object",
    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
    "required": ["street", "city"],
}
CUSTOMER = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Customer",
    "type": "object",
    "properties": {"id": {"type": "string"}, "address": {"$ref": ADDRESS_REF}},
    "required": ["id", "address"],
}

USERS_TOPIC = "py-json-users"
ADDRESS_SUBJECT = "py-json-address"
CUSTOMERS_TOPIC = "py-json-customers"


def customer_schema():
    reference = SchemaReference(name=ADDRESS_REF, subject=ADDRESS_SUBJECT, version=1)
    return Schema(text(CUSTOMER), "JSON", references=[reference])


class Checks(common.Checks):

    def schema_types(self):
        types = self.new_client().get_schema_types()
        expect("JSON" in types, "expected JSON among %r" % (types,))

    # A self-contained schema, registered by the serializer.

    def round_trip_auto_register(self):
        ctx = value_context(USERS_TOPIC)
        user = {"name": "Ada", "age": 36, "tags": ["admin"]}
        serializer = JSONSerializer(text(USER), self.new_client(), conf={"auto.register.schemas": True})
        data = serializer(user, ctx)
        schema_id = framed_id(data)
        self.ids["user"] = schema_id
        latest = self.new_client().get_latest_version(USERS_TOPIC + "-value")
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id vs the frame")
        back = JSONDeserializer(None, schema_registry_client=self.new_client())(data, ctx)
        expect_equal(back, user, "deserialized with the writer schema")
        back = JSONDeserializer(text(USER), schema_registry_client=self.new_client())(data, ctx)
        expect_equal(back, user, "deserialized with a given reader schema")
        return "id %d" % schema_id

    def registered_type(self):
        schema = self.new_client().get_schema(self.ids["user"])
        expect_equal(schema.schema_type, "JSON", "schema type by id")
        expect_equal(json.loads(schema.schema_str), USER, "schema text by id")
        latest = self.new_client().get_latest_version(USERS_TOPIC + "-value")
        expect_equal(latest.schema.schema_type, "JSON", "schema type of the latest version")
        found = self.new_client().lookup_schema(USERS_TOPIC + "-value", Schema(text(USER), "JSON"))
        expect_equal((found.version, found.schema_id), (1, self.ids["user"]), "lookup of the registered content")
        expect_equal(found.schema.schema_type, "JSON", "schema type of the lookup")

    def round_trip_lookup(self):
        ctx = value_context(USERS_TOPIC)
        user = {"name": "Grace", "age": 85}
        serializer = JSONSerializer(text(USER), self.new_client(), conf={"auto.register.schemas": False})
        data = serializer(user, ctx)
        expect_equal(framed_id(data), self.ids["user"], "id found by lookup")
        expect_equal(JSONDeserializer(None, schema_registry_client=self.new_client())(data, ctx), user, "round trip")

    def compatibility(self):
        subject = USERS_TOPIC + "-value"
        expect_equal(self.client.test_compatibility(subject, Schema(text(USER_V2), "JSON")), True, "USER_V2")
        expect_equal(self.client.test_compatibility(subject, Schema(text(USER_BAD), "JSON")), False, "USER_BAD")

    def invalid_rejected(self):
        ctx = value_context(USERS_TOPIC)
        serializer = JSONSerializer(text(USER), self.new_client(), conf={"auto.register.schemas": False})
        try:
            data = serializer({"name": "Nobody", "age": -1}, ctx)
        except SerializationError:
            return
        raise CheckFailed("a value breaking the schema was serialized to %r" % (data,))

    # A schema referencing another registered schema.

    def register_referenced(self):
        schema_id = self.client.register_schema(ADDRESS_SUBJECT, Schema(text(ADDRESS), "JSON"))
        self.ids["address"] = schema_id
        registered = self.new_client().get_version(ADDRESS_SUBJECT, 1)
        expect_equal((registered.schema_id, registered.schema.schema_type), (schema_id, "JSON"), "referenced schema")
        return "id %d" % schema_id

    def register_referencing(self):
        subject = CUSTOMERS_TOPIC + "-value"
        schema_id = self.client.register_schema(subject, customer_schema())
        expect(schema_id != self.ids["address"], "the referencing schema got the referenced schema's id")
        self.ids["customer"] = schema_id
        latest = self.new_client().get_latest_version(subject)
        expect_equal((latest.version, latest.schema_id), (1, schema_id), "latest version and id")
        expect_equal(latest.schema.schema_type, "JSON", "schema type")
        references = [(ref.name, ref.subject, ref.version) for ref in latest.schema.references or []]
        expect_equal(references, [(ADDRESS_REF, ADDRESS_SUBJECT, 1)], "references of the latest version")
        by_id = self.new_client().get_schema(schema_id)
        expect_equal(by_id.schema_type, "JSON", "schema type by id")
        expect_equal(
            [(ref.name, ref.subject, ref.version) for ref in by_id.references or []],
            [(ADDRESS_REF, ADDRESS_SUBJECT, 1)],
            "references by id",
        )
        referenced_by = self.client.get_referenced_by(ADDRESS_SUBJECT, 1)
        expect_equal(referenced_by, [schema_id], "ids referencing the address schema")
        return "id %d" % schema_id

    def round_trip_use_latest(self):
        ctx = value_context(CUSTOMERS_TOPIC)
        customer = {"id": "c-1", "address": {"street": "1 Main St", "city": "Springfield"}}
        serializer = JSONSerializer(
            customer_schema(),
            self.new_client(),
            conf={"auto.register.schemas": False, "use.latest.version": True},
        )
        data = serializer(customer, ctx)
        expect_equal(framed_id(data), self.ids["customer"], "id in the frame vs the latest version's")
        back = JSONDeserializer(None, schema_registry_client=self.new_client())(data, ctx)
        expect_equal(back, customer, "deserialized with the writer schema and its reference")
        reader = JSONDeserializer(None, schema_registry_client=self.new_client(), conf={"use.latest.version": True})
        expect_equal(reader(data, ctx), customer, "deserialized with use.latest.version")
        return "id %d" % self.ids["customer"]

    def round_trip_reference_lookup(self):
        ctx = value_context(CUSTOMERS_TOPIC)
        customer = {"id": "c-2", "address": {"street": "2 Side St", "city": "Shelbyville"}}
        serializer = JSONSerializer(customer_schema(), self.new_client(), conf={"auto.register.schemas": False})
        data = serializer(customer, ctx)
        expect_equal(framed_id(data), self.ids["customer"], "id found by lookup with references")
        back = JSONDeserializer(customer_schema(), schema_registry_client=self.new_client())(data, ctx)
        expect_equal(back, customer, "deserialized with a given reader schema and its reference")

    def reference_enforced(self):
        """The serializer validates through the resolved reference: an address without a city is refused."""
        ctx = value_context(CUSTOMERS_TOPIC)
        serializer = JSONSerializer(
            customer_schema(),
            self.new_client(),
            conf={"auto.register.schemas": False, "use.latest.version": True},
        )
        try:
            data = serializer({"id": "c-3", "address": {"street": "nowhere"}}, ctx)
        except SerializationError:
            return
        raise CheckFailed("a value breaking the referenced schema was serialized to %r" % (data,))


def main():
    checks = Checks(parse_url(__doc__))
    plan = [
        ("get_schema_types lists JSON", checks.schema_types),
        ("JSONSerializer -> JSONDeserializer (auto.register.schemas)", checks.round_trip_auto_register),
        ("registered schemaType is JSON (get_schema, get_latest_version, lookup_schema)", checks.registered_type),
        ("JSONSerializer -> JSONDeserializer (lookup, auto.register.schemas off)", checks.round_trip_lookup),
        ("test_compatibility (JSON, compatible and incompatible)", checks.compatibility),
        ("JSONSerializer refuses a value breaking the schema", checks.invalid_rejected),
        ("register_schema (referenced JSON schema)", checks.register_referenced),
        ("register_schema (JSON schema with a reference) and get_referenced_by", checks.register_referencing),
        ("JSONSerializer -> JSONDeserializer (reference, use.latest.version)", checks.round_trip_use_latest),
        ("JSONSerializer -> JSONDeserializer (reference, lookup)", checks.round_trip_reference_lookup),
        ("JSONSerializer refuses a value breaking the referenced schema", checks.reference_enforced),
    ]
    run_plan(checks, plan)


if __name__ == "__main__":
    main()
