// Helpers shared by the Node interop scripts: the command line, the checks' assertions and their one-line reports,
// and the framing of serialized payloads.
//
// A script's checks are async functions that throw CheckFailed (through expect) on a difference and may return a
// detail to print; runPlan runs them in order and exits 1 at the first failure, naming the check and what differed.

import { isDeepStrictEqual } from 'node:util';

export class CheckFailed extends Error {}

export function expect(condition, message) {
  if (!condition) {
    throw new CheckFailed(message);
  }
}

export function expectEqual(got, want, what) {
  expect(
    isDeepStrictEqual(got, want),
    `${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
  );
}

/** The schema id of a payload framed with the magic byte 0. */
export function framedId(data) {
  expect(Buffer.isBuffer(data) && data.length > 5, `expected framed bytes, got ${JSON.stringify(data)}`);
  expectEqual(data[0], 0, 'magic byte');
  return data.readUInt32BE(1);
}

/** The registry URL given as the first argument of `script`; exits 2 with its usage when it is missing. */
export function registryUrl(script) {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${script} <registry URL>`);
    process.exit(2);
  }
  return url;
}

/** Runs every `[name, check]` of `plan` in order, printing one line each and exiting 1 at the first failure. */
export async function runPlan(plan) {
  for (const [name, check] of plan) {
    let detail;
    try {
      detail = await check();
    } catch (err) {
      if (err instanceof CheckFailed) {
        console.log(`FAIL ${name}: ${err.message}`);
      } else {
        const response = err?.response?.data ? ` (response: ${JSON.stringify(err.response.data)})` : '';
        console.log(`FAIL ${name}: ${err?.name}: ${err?.message}${response}`);
        console.error(err);
      }
      process.exit(1);
    }
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  }
  console.log(`all ${plan.length} checks passed`);
}
