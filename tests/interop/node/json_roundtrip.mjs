// Drives a registry with @confluentinc/schemaregistry's real SchemaRegistryClient and JSON Schema serdes.
//
//     node json_roundtrip.mjs http://127.0.0.1:8081
//
// Prints one line per check and exits 1 at the first failure, naming the check and what differed.
// The registry must be fresh and disposable: the checks create subjects named node-json-*.
// The serdes run with their default subject name strategy (ASSOCIATED, falling back to the topic name).

import {
  JsonDeserializer,
  JsonSerializer,
  SchemaRegistryClient,
  SerdeType,
  SerializationError,
} from '@confluentinc/schemaregistry';

import { expect, expectEqual, framedId, registryUrl, runPlan } from './common.mjs';

const url = registryUrl('json_roundtrip.mjs');

const ADDRESS_REF = 'address.json';
const ADDRESS = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Address',
  type: 'object',
  properties: { street: { type: 'string' }, city: { type: 'string' } },
  required: ['street', 'city'],
};
const CUSTOMER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Customer',
  type: 'object',
  properties: { id: { type: 'string' }, address: { $ref: ADDRESS_REF } },
  required: ['id', 'address'],
};

const USERS_TOPIC = 'node-json-users';
const ADDRESS_SUBJECT = 'node-json-address';
const CUSTOMERS_TOPIC = 'node-json-customers';

/** A client with empty caches, so that a call really reaches the server; no retries, so that a 5xx shows. */
function newClient() {
  return new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0, cacheCapacity: 1000 });
}

const ids = {};

async function roundTripAutoRegister() {
  const user = { name: 'Ada', age: 36, tags: ['admin'] };
  const serializer = new JsonSerializer(newClient(), SerdeType.VALUE, { autoRegisterSchemas: true });
  const data = await serializer.serialize(USERS_TOPIC, user);
  const id = framedId(data);
  ids.user = id;
  const latest = await newClient().getLatestSchemaMetadata(`${USERS_TOPIC}-value`);
  expectEqual([latest.version, latest.id], [1, id], 'latest version and id vs the frame');
  expectEqual(latest.schemaType, 'JSON', 'registered schemaType');
  const deserializer = new JsonDeserializer(newClient(), SerdeType.VALUE, {});
  expectEqual(await deserializer.deserialize(USERS_TOPIC, data), user, 'deserialized message');
  return `id ${id}`;
}

async function roundTripAgain() {
  const user = { name: 'Grace', age: 85, tags: ['ops'] };
  const serializer = new JsonSerializer(newClient(), SerdeType.VALUE, { autoRegisterSchemas: true });
  const data = await serializer.serialize(USERS_TOPIC, user);
  expectEqual(framedId(data), ids.user, 'id of the same generated schema registered again');
  const versions = await newClient().getAllVersions(`${USERS_TOPIC}-value`);
  expectEqual(versions, [1], 'versions after registering the same schema again');
  const deserializer = new JsonDeserializer(newClient(), SerdeType.VALUE, {});
  expectEqual(await deserializer.deserialize(USERS_TOPIC, data), user, 'deserialized message');
}

async function registerWithReference() {
  const client = newClient();
  ids.address = await client.register(ADDRESS_SUBJECT, { schemaType: 'JSON', schema: JSON.stringify(ADDRESS) });
  ids.customer = await client.register(`${CUSTOMERS_TOPIC}-value`, {
    schemaType: 'JSON',
    schema: JSON.stringify(CUSTOMER),
    references: [{ name: ADDRESS_REF, subject: ADDRESS_SUBJECT, version: 1 }],
  });
  expect(ids.customer !== ids.address, 'the referencing schema got the referenced schema id');
  const latest = await newClient().getLatestSchemaMetadata(`${CUSTOMERS_TOPIC}-value`);
  expectEqual(latest.schemaType, 'JSON', 'registered schemaType');
  expectEqual(
    (latest.references ?? []).map((ref) => [ref.name, ref.subject, ref.version]),
    [[ADDRESS_REF, ADDRESS_SUBJECT, 1]],
    'references of the latest version',
  );
  return `ids ${ids.address} and ${ids.customer}`;
}

async function roundTripUseLatest() {
  const customer = { id: 'c-1', address: { street: '1 Main St', city: 'Springfield' } };
  const conf = { autoRegisterSchemas: false, useLatestVersion: true, validate: true };
  const serializer = new JsonSerializer(newClient(), SerdeType.VALUE, conf);
  const data = await serializer.serialize(CUSTOMERS_TOPIC, customer);
  expectEqual(framedId(data), ids.customer, 'id in the frame vs the latest version');
  // validate: the deserializer checks the message against the writer schema, with its reference resolved.
  const deserializer = new JsonDeserializer(newClient(), SerdeType.VALUE, { validate: true });
  expectEqual(await deserializer.deserialize(CUSTOMERS_TOPIC, data), customer, 'deserialized message');
  let refused = null;
  try {
    await serializer.serialize(CUSTOMERS_TOPIC, { id: 'c-2', address: { street: 'nowhere' } });
  } catch (err) {
    refused = err;
  }
  expect(
    refused instanceof SerializationError,
    `a message breaking the referenced schema: expected a SerializationError, got ${refused}`,
  );
  return `id ${ids.customer}`;
}

const plan = [
  ['JsonSerializer -> JsonDeserializer (autoRegisterSchemas)', roundTripAutoRegister],
  ['JsonSerializer -> JsonDeserializer (autoRegisterSchemas, same schema again)', roundTripAgain],
  ['register (JSON schema with a reference)', registerWithReference],
  ['JsonSerializer -> JsonDeserializer (reference, useLatestVersion)', roundTripUseLatest],
];
await runPlan(plan);
