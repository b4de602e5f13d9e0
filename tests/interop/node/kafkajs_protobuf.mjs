// Drives a registry with @kafkajs/confluent-schema-registry's real SchemaRegistry: Protobuf registration and
// encode/decode, with and without a schema reference.
//
//     node kafkajs_protobuf.mjs http://127.0.0.1:8081
//
// Prints one line per check and exits 1 at the first failure, naming the check and what differed.
// The registry must be fresh and disposable: the checks create subjects named kafkajs-proto-*.
// register() first calls GET /config/{subject} and takes a 404 as "first registration", after which it sets the
// subject's compatibility with PUT /config/{subject}; decode() parses the text GET /schemas/ids/{id} returns.

import kafkajsRegistry from '@kafkajs/confluent-schema-registry';

import { expect, expectEqual, framedId, registryUrl, runPlan } from './common.mjs';

const { SchemaRegistry, SchemaType } = kafkajsRegistry;

const url = registryUrl('kafkajs_protobuf.mjs');

const USER_PROTO = `syntax = "proto3";
package accord.kafkajs;

// A user, with a nested message, an enum, a map and a oneof.
message User {
  string name = 1;
  int32 age = 2;
  repeated string tags = 3;
  Role role = 4;
  Phone phone = 5;
  map<string, int64> scores = 6;
  oneof contact {
    string email = 7;
    string pager = 8;
  }

  message Phone {
    string number = 1;
  }
  enum Role {
    ROLE_UNSPECIFIED = 0;
    ROLE_ADMIN = 1;
  }
}
`;

const ADDRESS_IMPORT = 'kafkajs/address.proto';
const ADDRESS_PROTO = `syntax = "proto3";
package accord.kafkajs;

message Address {
  string street = 1;
  string city = 2;
}
`;
const ORDER_PROTO = `syntax = "proto3";
package accord.kafkajs;

import "${ADDRESS_IMPORT}";

message Order {
  string id = 1;
  Address ship_to = 2;
}
`;

const USERS_SUBJECT = 'kafkajs-proto-users-value';
const ADDRESS_SUBJECT = 'kafkajs-proto-address';
const ORDERS_SUBJECT = 'kafkajs-proto-orders-value';

/** A client with empty caches, so that a call really reaches the server. */
function newRegistry() {
  return new SchemaRegistry({ host: url, retry: { retries: 0 } });
}

/** GET `path` on the registry, as JSON (status and body). */
async function getJson(path) {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: await response.json() };
}

/** A decoded protobufjs message as plain JSON (enums as names, 64-bit integers as strings). */
function plain(message) {
  return message.$type.toObject(message, { enums: String, longs: String, defaults: false, oneofs: false });
}

const ids = {};

async function registerFirstTime() {
  const config = await getJson(`/config/${USERS_SUBJECT}`);
  expectEqual(config.status, 404, `GET /config/${USERS_SUBJECT} before the first registration (body ${JSON.stringify(config.body)})`);
  const { id } = await newRegistry().register(
    { type: SchemaType.PROTOBUF, schema: USER_PROTO },
    { subject: USERS_SUBJECT },
  );
  ids.user = id;
  const after = await getJson(`/config/${USERS_SUBJECT}`);
  expectEqual([after.status, after.body.compatibilityLevel], [200, 'BACKWARD'], 'subject config set by register');
  const latest = await getJson(`/subjects/${USERS_SUBJECT}/versions/latest`);
  expectEqual([latest.body.version, latest.body.id, latest.body.schemaType], [1, id, 'PROTOBUF'], 'latest version');
  return `id ${id}`;
}

async function registerAgain() {
  // Now GET /config/{subject} answers BACKWARD, which matches, and the same schema keeps its id and version.
  const { id } = await newRegistry().register(
    { type: SchemaType.PROTOBUF, schema: USER_PROTO },
    { subject: USERS_SUBJECT },
  );
  expectEqual(id, ids.user, 'id of the same schema registered again');
  const versions = await getJson(`/subjects/${USERS_SUBJECT}/versions`);
  expectEqual(versions.body, [1], 'versions after registering the same schema again');
  const found = await newRegistry().getRegistryIdBySchema(USERS_SUBJECT, {
    type: SchemaType.PROTOBUF,
    schema: USER_PROTO,
  });
  expectEqual(found, ids.user, 'getRegistryIdBySchema');
  expectEqual(await newRegistry().getLatestSchemaId(USERS_SUBJECT), ids.user, 'getLatestSchemaId');
}

async function encodeDecode() {
  const user = {
    name: 'Ada',
    age: 36,
    tags: ['admin', 'ops'],
    role: 1,
    phone: { number: '+1 555' },
    scores: { chess: 1800 },
    email: 'ada@example.com',
  };
  // protobufjs verifies enums as numbers and 64-bit integers as numbers; plain() gives names and strings.
  const want = { ...user, role: 'ROLE_ADMIN', scores: { chess: '1800' } };
  // Encoding and decoding each fetch the stored schema text by id and parse it with protobufjs.
  const data = await newRegistry().encode(ids.user, user);
  expectEqual(framedId(data), ids.user, 'id in the frame');
  const back = await newRegistry().decode(data);
  expectEqual(plain(back), want, 'decoded message');
  return `${data.length} bytes`;
}

async function encodeDecodeWithReference() {
  const registry = newRegistry();
  ids.address = (
    await registry.register({ type: SchemaType.PROTOBUF, schema: ADDRESS_PROTO }, { subject: ADDRESS_SUBJECT })
  ).id;
  ids.order = (
    await registry.register(
      {
        type: SchemaType.PROTOBUF,
        schema: ORDER_PROTO,
        references: [{ name: ADDRESS_IMPORT, subject: ADDRESS_SUBJECT, version: 1 }],
      },
      { subject: ORDERS_SUBJECT },
    )
  ).id;
  expect(ids.order !== ids.address, 'the referencing schema got the referenced schema id');
  const latest = await getJson(`/subjects/${ORDERS_SUBJECT}/versions/latest`);
  expectEqual(
    (latest.body.references ?? []).map((ref) => [ref.name, ref.subject, ref.version]),
    [[ADDRESS_IMPORT, ADDRESS_SUBJECT, 1]],
    'references of the latest version',
  );
  const referencedBy = await getJson(`/subjects/${ADDRESS_SUBJECT}/versions/1/referencedby`);
  expectEqual(referencedBy.body, [ids.order], 'ids referencing the address schema');
  const order = { id: 'o-1', shipTo: { street: '1 Main St', city: 'Springfield' } };
  const data = await newRegistry().encode(ids.order, order);
  expectEqual(framedId(data), ids.order, 'id in the frame');
  expectEqual(plain(await newRegistry().decode(data)), order, 'decoded message');
  return `ids ${ids.address} and ${ids.order}`;
}

const plan = [
  ['register (PROTOBUF, first registration after GET /config 404)', registerFirstTime],
  ['register (PROTOBUF, same schema again), getRegistryIdBySchema, getLatestSchemaId', registerAgain],
  ['encode -> decode (PROTOBUF)', encodeDecode],
  ['register with a reference, encode -> decode (PROTOBUF)', encodeDecodeWithReference],
];
await runPlan(plan);
