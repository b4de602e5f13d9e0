// Validates Accord's AsyncAPI export with the official @asyncapi/parser (with the official Avro and Protobuf schema
// parsers registered, so that every payload is checked in its own format).
//
//     node asyncapi_export.mjs http://127.0.0.1:8081
//
// Registers topic-named subjects of each schema type through the Confluent API, fetches
// GET /accord/v1/asyncapi/export (JSON, then YAML), prints every diagnostic of the official parser, and exits 1 on any
// error-severity diagnostic or when the document lacks what the registry holds.
// The registry must be fresh and disposable: the checks create subjects named node-export-*.

import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { ProtoBuffSchemaParser } from '@asyncapi/protobuf-schema-parser';

import { expect, expectEqual, registryUrl, runPlan } from './common.mjs';

const url = registryUrl('asyncapi_export.mjs');

const SUBJECTS = [
  ['node-export-avro-value', 'AVRO', JSON.stringify({
    type: 'record', name: 'Order', namespace: 'com.example',
    fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }],
  })],
  ['node-export-avro-key', 'AVRO', '"string"'],
  ['node-export-json-value', 'JSON', JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#', title: 'Payment', type: 'object',
    properties: { id: { type: 'string' }, paid: { type: 'boolean' } }, required: ['id'],
  })],
  ['node-export.proto-value', 'PROTOBUF',
    'syntax = "proto3";\npackage com.example;\n\nmessage Shipment {\n  string id = 1;\n  int32 parcels = 2;\n}\n'],
  ['node-export.proto-key', 'PROTOBUF', 'syntax = "proto3";\n\nmessage ShipmentKey {\n  string id = 1;\n}\n'],
];

async function register([subject, schemaType, schema]) {
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType, schema }),
  });
  const body = await response.text();
  expect(response.ok, `register ${subject}: ${response.status} ${body}`);
  return JSON.parse(body).id;
}

async function exported(accept) {
  const response = await fetch(`${url}/accord/v1/asyncapi/export`, { headers: { Accept: accept } });
  const text = await response.text();
  expect(response.ok, `GET export (${accept}): ${response.status} ${text}`);
  return text;
}

function parser() {
  const p = new Parser();
  p.registerSchemaParser(AvroSchemaParser());
  p.registerSchemaParser(ProtoBuffSchemaParser());
  return p;
}

/** Parses `text` with the official parser; prints every diagnostic; fails on errors. */
async function validate(text, what) {
  const { document, diagnostics } = await parser().parse(text);
  for (const d of diagnostics) {
    console.log(`  ${what}: severity ${d.severity} ${d.code}: ${d.message} at /${(d.path ?? []).join('/')}`);
  }
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  expect(errors.length === 0, `${what}: ${errors.length} error diagnostics: ${errors.map((d) => `${d.code}: ${d.message} at /${(d.path ?? []).join('/')}`).join('; ')}`);
  expect(document !== undefined, `${what}: the parser produced no document`);
  return document;
}

let json;

await runPlan([
  ['register subjects of every type', async () => {
    for (const s of SUBJECTS) {
      await register(s);
    }
    return `${SUBJECTS.length} subjects`;
  }],
  ['the JSON export validates', async () => {
    const text = await exported('application/json');
    json = JSON.parse(text);
    const document = await validate(text, 'json');
    expectEqual(document.version(), '3.0.0', 'asyncapi version');
    return `${document.channels().length} channels`;
  }],
  ['the YAML export validates and equals the JSON one', async () => {
    const text = await exported('application/yaml');
    const document = await validate(text, 'yaml');
    expectEqual(document.meta().asyncapi.parsed.channels !== undefined, true, 'channels');
    expectEqual(JSON.parse(JSON.stringify(document.json())).info, json.info, 'info');
  }],
  ['channels, payload formats and Kafka bindings', async () => {
    const document = await validate(JSON.stringify(json), 'json again');
    const addresses = document.channels().all().map((c) => c.address()).sort();
    expectEqual(addresses, ['node-export-avro', 'node-export-json', 'node-export.proto'], 'channel addresses');
    const formats = {};
    for (const channel of document.channels().all()) {
      const messages = channel.messages().all();
      expectEqual(messages.length, 1, `messages of ${channel.address()}`);
      const message = messages[0];
      formats[channel.address()] = message.schemaFormat();
      const kafka = message.bindings().get('kafka')?.value();
      expect(kafka, `kafka message binding of ${channel.address()}`);
      expectEqual(kafka.schemaIdLocation, 'payload', 'schemaIdLocation');
      expectEqual(kafka.schemaIdPayloadEncoding, 'confluent', 'schemaIdPayloadEncoding');
      expectEqual(kafka.schemaLookupStrategy, 'TopicIdStrategy', 'schemaLookupStrategy');
      expectEqual(channel.bindings().get('kafka')?.value()?.topic, channel.address(), 'kafka topic');
    }
    expectEqual(formats, {
      'node-export-avro': 'application/vnd.apache.avro+json;version=1.9.0',
      'node-export-json': 'application/schema+json;version=draft-07',
      'node-export.proto': 'application/vnd.google.protobuf;version=3',
    }, 'schema formats');
    const avroKey = json.channels['node-export-avro'].messages.value.bindings.kafka.key;
    expectEqual(avroKey, { type: 'string' }, 'the Avro string key as a schema');
    const servers = document.servers().all();
    expectEqual(servers.map((s) => s.protocol()), ['kafka'], 'server protocols');
    const serverBinding = servers[0].bindings().get('kafka')?.value();
    expectEqual(serverBinding?.schemaRegistryUrl, url, 'schemaRegistryUrl');
    return Object.keys(formats).join(', ');
  }],
]);
