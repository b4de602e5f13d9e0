#!/usr/bin/env python3
"""Drives a registry with confluent-kafka-python's real SchemaRegistryClient and Avro serdes.

    test_confluent_kafka.py --url http://127.0.0.1:8081

Prints one line per check and exits 1 at the first failure, naming the check and what differed.
The registry must be fresh and disposable: the checks create and delete subjects named py-*.
"""

import json

from confluent_kafka.schema_registry import ConfigCompatibilityLevel, Schema, ServerConfig
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer

import common
from common import expect, expect_equal, expect_error, framed_id, parse_url, run_plan, text, value_context

NS = "accord.interop"
USER_V1 = {
    "type": "record", "name": "User", "namespace": NS,
    "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}],
}
# Adds an optional field with a default: BACKWARD compatible with USER_V1.
USER_V2 = {
    "type": "record", "name": "User", "namespace": NS,
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "age", "type": "int"},
        {"name": "email", "type": ["null", "string"], "default": None},
    ],
}
# Changes a field from string to int: a reader of this cannot read USER_V2's data.
USER_BAD = {
    "type": "record", "name": "User", "namespace": NS,
    "fields": [{"name": "name", "type": "int"}, {"name": "age", "type": "int"}],
}
# Never registered anywhere.
UNKNOWN = {"type": "record", "name": "Unknown", "namespace": NS, "fields": [{"name": "x", "type": "long"}]}
ORDER = {
    "type": "record", "name": "Order", "namespace": NS,
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
    ],
}
PAYMENT_V1 = {
    "type": "record", "name": "Payment", "namespace": NS,
    "fields": [{"name": "id", "type": "string"}, {"name": "cents", "type": "long"}],
}
PAYMENT_V2 = {
    "type": "record", "name": "Payment", "namespace": NS,
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "cents", "type": "long"},
        {"name": "currency", "type": "string", "default": "EUR"},
    ],
}

SUBJECT = "py-users-value"
COPY = "py-users-copy-value"


def avro(schema):
    return Schema(text(schema), "AVRO")


class Checks(common.Checks):

    # Registration and reads.

    def register(self):
        schema_id = self.client.register_schema(SUBJECT, avro(USER_V1))
        expect(isinstance(schema_id, int) and schema_id > 0, "expected a positive integer id, got %r" % (schema_id,))
        self.ids["v1"] = schema_id
        return "id %d" % schema_id

    def register_again(self):
        schema_id = self.new_client().register_schema(SUBJECT, avro(USER_V1))
        expect_equal(schema_id, self.ids["v1"], "id of identical content re-registered")

    def get_by_id(self):
        schema = self.new_client().get_schema(self.ids["v1"])
        expect_equal(schema.schema_type, "AVRO", "schema type")
        expect_equal(json.loads(schema.schema_str), USER_V1, "schema text")

    def get_types(self):
        types = self.new_client().get_schema_types()
        expect("AVRO" in types, "expected AVRO among %r" % (types,))

    # Config and compatibility.

    def global_config(self):
        config = self.client.get_config()
        expect_equal(config.compatibility_level, ConfigCompatibilityLevel.BACKWARD, "default global compatibility")
        answer = self.client.set_config(config=ServerConfig(compatibility=ConfigCompatibilityLevel.FULL))
        expect_equal(answer.get("compatibility"), "FULL", "PUT /config answer")
        expect_equal(self.client.get_config().compatibility_level, ConfigCompatibilityLevel.FULL, "global after PUT")
        answer = self.client.set_compatibility(level="BACKWARD")
        expect_equal(answer.get("compatibility"), "BACKWARD", "PUT /config answer")
        expect_equal(self.client.get_compatibility(), "BACKWARD", "global after set_compatibility")

    def subject_config(self):
        answer = self.client.set_config(SUBJECT, ServerConfig(compatibility=ConfigCompatibilityLevel.BACKWARD))
        expect_equal(answer.get("compatibility"), "BACKWARD", "PUT /config/{subject} answer")
        config = self.client.get_config(SUBJECT)
        expect_equal(config.compatibility_level, ConfigCompatibilityLevel.BACKWARD, "subject compatibility")
        self.client.set_compatibility(SUBJECT, "BACKWARD")
        expect_equal(self.client.get_compatibility(SUBJECT), "BACKWARD", "subject after set_compatibility")

    def compatible(self):
        expect_equal(self.client.test_compatibility(SUBJECT, avro(USER_V2)), True, "USER_V2 against latest")
        expect_equal(self.client.test_compatibility(SUBJECT, avro(USER_V2), version=1), True, "USER_V2 against 1")
        expect_equal(self.client.test_compatibility_all_versions(SUBJECT, avro(USER_V2)), True, "USER_V2 against all")

    def incompatible(self):
        expect_equal(self.client.test_compatibility(SUBJECT, avro(USER_BAD)), False, "USER_BAD against latest")
        expect_equal(
            self.client.test_compatibility(SUBJECT, avro(USER_BAD), verbose=True), False, "USER_BAD verbose"
        )

    def register_v2(self):
        schema_id = self.client.register_schema(SUBJECT, avro(USER_V2))
        expect(schema_id != self.ids["v1"], "new content got the old id %d" % schema_id)
        self.ids["v2"] = schema_id
        return "id %d" % schema_id

    def register_incompatible(self):
        expect_error(lambda: self.client.register_schema(SUBJECT, avro(USER_BAD)), 409, 409, "register USER_BAD")

    def latest(self):
        latest = self.new_client().get_latest_version(SUBJECT)
        expect_equal((latest.subject, latest.version, latest.schema_id), (SUBJECT, 2, self.ids["v2"]), "latest")
        expect_equal(json.loads(latest.schema.schema_str), USER_V2, "latest schema text")

    def versions(self):
        expect_equal(self.client.get_versions(SUBJECT), [1, 2], "versions")

    def version(self):
        first = self.new_client().get_version(SUBJECT, 1)
        expect_equal((first.subject, first.version, first.schema_id), (SUBJECT, 1, self.ids["v1"]), "version 1")
        expect_equal(json.loads(first.schema.schema_str), USER_V1, "version 1 schema text")

    def lookup(self):
        found = self.new_client().lookup_schema(SUBJECT, avro(USER_V1))
        expect_equal((found.subject, found.version, found.schema_id), (SUBJECT, 1, self.ids["v1"]), "lookup")
        expect_error(
            lambda: self.new_client().lookup_schema(SUBJECT, avro(UNKNOWN)), 404, 40403, "lookup of unknown content"
        )

    def shared_id(self):
        schema_id = self.client.register_schema(COPY, avro(USER_V1))
        expect_equal(schema_id, self.ids["v1"], "id of the same content under a second subject")
        subjects = self.client.get_subjects_by_schema_id(self.ids["v1"])
        expect_equal(sorted(subjects), sorted([SUBJECT, COPY]), "subjects of the shared id")

    def subjects(self):
        subjects = self.client.get_subjects()
        expect(SUBJECT in subjects and COPY in subjects, "expected %s and %s in %r" % (SUBJECT, COPY, subjects))

    # Deletes.

    def delete_version_soft(self):
        expect_equal(self.client.delete_version(SUBJECT, 2), 2, "soft-deleted version")
        expect_equal(self.client.get_versions(SUBJECT), [1], "versions after soft delete")
        expect_equal(self.client.get_versions(SUBJECT, deleted=True), [1, 2], "versions with deleted=True")
        schema = self.new_client().get_schema(self.ids["v2"])
        expect_equal(json.loads(schema.schema_str), USER_V2, "id of a soft-deleted version still readable")

    def delete_version_permanent(self):
        expect_equal(self.client.delete_version(SUBJECT, 2, permanent=True), 2, "hard-deleted version")
        expect_equal(self.client.get_versions(SUBJECT, deleted=True), [1], "versions after hard delete")
        expect_error(lambda: self.new_client().get_version(SUBJECT, 2), 404, 40402, "hard-deleted version")

    def delete_subject_soft(self):
        expect_equal(self.client.delete_subject(COPY), [1], "soft-deleted subject's versions")
        expect(COPY not in self.client.get_subjects(), "%s still listed after soft delete" % COPY)
        expect(COPY in self.client.get_subjects(deleted=True), "%s not listed with deleted=True" % COPY)

    def delete_subject_permanent(self):
        expect_equal(self.client.delete_subject(COPY, permanent=True), [1], "hard-deleted subject's versions")
        expect(COPY not in self.client.get_subjects(deleted=True), "%s listed after hard delete" % COPY)
        expect_error(lambda: self.client.get_versions(COPY), 404, 40401, "versions of a hard-deleted subject")
        schema = self.new_client().get_schema(self.ids["v1"])
        expect_equal(json.loads(schema.schema_str), USER_V1, "id still used by another subject")

    def delete_subject_config(self):
        old = self.client.delete_config(SUBJECT)
        expect_equal(old.compatibility_level, ConfigCompatibilityLevel.BACKWARD, "deleted subject config")
        expect_error(lambda: self.client.get_config(SUBJECT), 404, 40408, "subject config after delete")

    # Serializer round trips.

    def round_trip_auto_register(self):
        topic = "py-orders"
        ctx = value_context(topic)
        order = {"id": "o-1", "amount": 12.5, "tags": ["a", "b"]}
        serializer = AvroSerializer(self.new_client(), text(ORDER), conf={"auto.register.schemas": True})
        data = serializer(order, ctx)
        schema_id = framed_id(data)
        latest = self.new_client().get_latest_version(topic + "-value")
        expect_equal(schema_id, latest.schema_id, "id in the frame vs the subject's latest")
        back = AvroDeserializer(self.new_client())(data, ctx)
        expect_equal(back, order, "deserialized record")
        return "id %d" % schema_id

    def round_trip_lookup(self):
        topic = "py-orders"
        ctx = value_context(topic)
        order = {"id": "o-2", "amount": 0.25, "tags": []}
        serializer = AvroSerializer(self.new_client(), text(ORDER), conf={"auto.register.schemas": False})
        data = serializer(order, ctx)
        latest = self.new_client().get_latest_version(topic + "-value")
        expect_equal(framed_id(data), latest.schema_id, "id found by lookup")
        expect_equal(AvroDeserializer(self.new_client())(data, ctx), order, "deserialized record")

    def round_trip_use_latest(self):
        topic = "py-payments"
        subject = topic + "-value"
        ctx = value_context(topic)
        self.client.register_schema(subject, avro(PAYMENT_V1))
        latest_id = self.client.register_schema(subject, avro(PAYMENT_V2))
        payment = {"id": "p-1", "cents": 1999, "currency": "CHF"}
        serializer = AvroSerializer(
            self.new_client(),
            text(PAYMENT_V2),
            conf={"auto.register.schemas": False, "use.latest.version": True},
        )
        data = serializer(payment, ctx)
        expect_equal(framed_id(data), latest_id, "id in the frame vs the latest version's")
        expect_equal(AvroDeserializer(self.new_client())(data, ctx), payment, "deserialized record")
        reader = AvroDeserializer(self.new_client(), conf={"use.latest.version": True})
        expect_equal(reader(data, ctx), payment, "deserialized with use.latest.version")
        return "id %d" % latest_id


def main():
    checks = Checks(parse_url(__doc__))
    plan = [
        ("register_schema", checks.register),
        ("register_schema again (same id)", checks.register_again),
        ("get_schema by id", checks.get_by_id),
        ("get_schema_types", checks.get_types),
        ("get_config / set_config / set_compatibility (global)", checks.global_config),
        ("set_config / get_config / get_compatibility (subject)", checks.subject_config),
        ("test_compatibility (compatible)", checks.compatible),
        ("test_compatibility (incompatible)", checks.incompatible),
        ("register_schema (second version)", checks.register_v2),
        ("register_schema (incompatible: 409)", checks.register_incompatible),
        ("get_latest_version", checks.latest),
        ("get_versions", checks.versions),
        ("get_version", checks.version),
        ("lookup_schema", checks.lookup),
        ("register_schema (same content, second subject) and get_subjects_by_schema_id", checks.shared_id),
        ("get_subjects", checks.subjects),
        ("delete_version (soft)", checks.delete_version_soft),
        ("delete_version (permanent)", checks.delete_version_permanent),
        ("delete_subject (soft)", checks.delete_subject_soft),
        ("delete_subject (permanent)", checks.delete_subject_permanent),
        ("delete_config (subject)", checks.delete_subject_config),
        ("AvroSerializer -> AvroDeserializer (auto.register.schemas)", checks.round_trip_auto_register),
        ("AvroSerializer -> AvroDeserializer (lookup, auto.register.schemas off)", checks.round_trip_lookup),
        ("AvroSerializer -> AvroDeserializer (use.latest.version)", checks.round_trip_use_latest),
    ]
    run_plan(checks, plan)


if __name__ == "__main__":
    main()
