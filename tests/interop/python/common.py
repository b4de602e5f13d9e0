"""Helpers shared by the Python interop scripts: the command line, the checks' assertions and their
one-line reports, fresh SchemaRegistryClients, and the framing of serialized payloads.

Each script defines a Checks subclass with one method a check and ends with

    run_plan(checks, [(name, checks.method), ...])

which prints one line per check and exits 1 at the first failure, naming the check and what differed.
"""

import argparse
import json
import sys
import traceback

from confluent_kafka.schema_registry import SchemaRegistryClient, SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext


class CheckFailed(Exception):
    pass


def text(schema):
    """A JSON schema value as compact text."""
    return json.dumps(schema, separators=(",", ":"))


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def expect_equal(got, want, what):
    expect(got == want, "%s: expected %r, got %r" % (what, want, got))


def expect_error(call, status, code, what):
    try:
        result = call()
    except SchemaRegistryError as err:
        expect(
            err.http_status_code == status and err.error_code == code,
            "%s: expected HTTP %d with error_code %d, got HTTP %s with error_code %s (%s)"
            % (what, status, code, err.http_status_code, err.error_code, err.error_message),
        )
        return
    raise CheckFailed("%s: expected HTTP %d with error_code %d, but the call returned %r" % (what, status, code, result))


def framed_id(data):
    """The schema id of a payload framed with the magic byte 0."""
    expect(isinstance(data, bytes) and len(data) > 5, "expected framed bytes, got %r" % (data,))
    expect_equal(data[0], 0, "magic byte")
    return int.from_bytes(data[1:5], "big")


def value_context(topic):
    """The serialization context of a record value on `topic`."""
    return SerializationContext(topic, MessageField.VALUE)


class Checks:
    def __init__(self, url):
        self.url = url
        self.client = self.new_client()
        self.ids = {}

    def new_client(self):
        """A client with empty caches, so that a call really reaches the server; no retries, so that a 5xx shows."""
        return SchemaRegistryClient({"url": self.url, "max.retries": 0, "timeout": 30})

    def run(self, name, check):
        try:
            detail = check()
        except CheckFailed as err:
            print("FAIL %s: %s" % (name, err), flush=True)
            sys.exit(1)
        except Exception as err:  # Anything else the client raised is a failure of this check too.
            print("FAIL %s: %s: %s" % (name, type(err).__name__, err), flush=True)
            traceback.print_exc()
            sys.exit(1)
        print("ok   %s%s" % (name, ": " + detail if detail else ""), flush=True)


def parse_url(doc):
    """The registry base URL from the command line (`--url`); the script's docstring describes it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--url", required=True, help="registry base URL")
    return parser.parse_args().url


def run_plan(checks, plan):
    """Runs every check in order, stopping at the first failure."""
    for name, check in plan:
        checks.run(name, check)
    print("all %d checks passed" % len(plan))
