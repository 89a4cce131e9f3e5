import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from './support/fixtures.js';
import { useTwoAccountWorld } from './support/server.js';

/**
 * Property-based requests built from the OpenAPI document: schema-shaped and hostile bodies, queries and
 * path ids, with and without credentials. No response may be a 5xx, every error must use the one
 * error body, and every JSON response must match the schema the document gives for its status.
 * FUZZ_REQUESTS sets the total (`npm run fuzz`: 10,000). The default is what `npm test` sends per engine:
 * fast-check draws a new seed each run, so CI's two runs send 1,600 different requests.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 800);
const world = useTwoAccountWorld({ config: { loginAttemptsPerMinute: 1_000_000 } });

interface Op {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** Response validators by status code, compiled from the document. */
  responses: Map<number, ValidateFunction>;
}

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

let ops: Op[] = [];
let owner: string;
let licenseId: string;

beforeAll(async () => {
  const doc = (await world.server.request('GET', '/openapi.json')).body as {
    paths: Record<string, Record<string, any>>;
  };
  // The document is one schema: a response schema's `#/components/...` refs resolve against it.
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  owner = await world.accountA.token('owner');
  licenseId = (await issueLicense(world.server, world.accountA)).id;
  const resolve = (s: any): any => (s?.$ref ? undefined : s);
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path === '/api/v1/ws' || path.startsWith('/docs')) continue;
    for (const [method, spec] of Object.entries(methods)) {
      const body = resolve(spec.requestBody?.content?.['application/json']?.schema);
      const params = (spec.parameters ?? []).filter((p: any) => p.in === 'query');
      const responses = new Map<number, ValidateFunction>();
      for (const [status, response] of Object.entries<any>(spec.responses ?? {})) {
        if (!response?.content?.['application/json']?.schema || !/^\d{3}$/.test(status)) continue;
        const at = pointer(
          'paths',
          path,
          method,
          'responses',
          status,
          'content',
          'application/json',
          'schema',
        );
        responses.set(Number(status), ajv.compile({ $ref: `openapi.json#/${at}` }));
      }
      ops.push({
        method: method.toUpperCase(),
        path,
        body,
        query: Object.fromEntries(params.map((p: any) => [p.name, p.schema])),
        responses,
      });
    }
  }
  ops = ops.filter((o) => !['DELETE'].includes(o.method) || o.path.includes(':'));
});

/** A value that fits a JSON schema loosely, or breaks it on purpose. */
function valueFor(schema: any): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(
    fc.constant(null),
    fc.string({ maxLength: 3 }),
    fc.string({ minLength: 300, maxLength: 6000 }),
    fc.integer(),
    fc.constantFrom(-1, 1e9, 2 ** 53, -(2 ** 31), 1.5, Number.MAX_SAFE_INTEGER),
    fc.boolean(),
    fc.constant({ deep: { deeper: { deepest: [1, 2, { x: 'y' }] } } }),
    fc.array(fc.string(), { maxLength: 5 }),
    fc.constantFrom(
      '00000000-0000-4000-8000-000000000000',
      '../../etc/passwd',
      "' or 1=1 --",
      '\u0000',
      '😀'.repeat(50),
    ),
  );
  if (!schema || typeof schema !== 'object') return hostile;
  const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const shaped: fc.Arbitrary<unknown> = schema.enum
    ? fc.constantFrom(...schema.enum)
    : schema.anyOf
      ? fc.oneof(...schema.anyOf.slice(0, 4).map(valueFor))
      : t === 'string'
        ? schema.format === 'uuid'
          ? fc.uuid()
          : schema.format === 'date-time'
            ? fc
                .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
                .map((d) => d.toISOString())
            : schema.format === 'email'
              ? fc.emailAddress()
              : fc.string({ maxLength: 40 })
        : t === 'integer'
          ? fc.integer({ min: -10, max: 1000 })
          : t === 'number'
            ? fc.double({ noNaN: true })
            : t === 'boolean'
              ? fc.boolean()
              : t === 'array'
                ? fc.array(valueFor(schema.items), { maxLength: 3 })
                : t === 'object'
                  ? objectFor(schema)
                  : hostile;
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostile });
}

function objectFor(schema: any): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {}).slice(0, 20) as [string, any][];
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of props) record[k] = valueFor(v);
  return fc
    .tuple(
      fc.record(record, { requiredKeys: [] }),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 })),
    )
    .map(([r, extra]) => ({ ...r, ...(extra ?? {}) }));
}

const request = fc.record({
  op: fc.nat(),
  auth: fc.constantFrom('owner', 'owner', 'read_only', 'none', 'garbage'),
  id: fc.oneof(fc.uuid(), fc.constantFrom('not-a-uuid', '0', "'", '%00', 'x'.repeat(600))),
  useLicense: fc.boolean(),
  rawBody: fc.option(
    fc.constantFrom(
      '{bad json',
      '[]',
      '"str"',
      '{"a":',
      'null',
      '\xff\xfe',
      // Deep nesting: within the limit, just past it, and deep enough to overflow a recursive serialiser.
      `${'{"a":'.repeat(60)}1${'}'.repeat(60)}`,
      `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `{"metadata":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
    ),
    { freq: 8 },
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
  ),
  seed: fc.integer(),
});

describe('fuzzing the API from its OpenAPI schemas', () => {
  it(`${TOTAL} generated requests: no 5xx, every error in the one error body, responses match their schemas`, async () => {
    let sent = 0;
    let checked = 0;
    const failures: string[] = [];
    const ajvMessage = (v: ValidateFunction) =>
      (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const op = ops[r.op % ops.length]!;
        const path = op.path.replace(/\{id\}|:id/g, r.useLicense ? licenseId : encodeURIComponent(r.id));
        const body = op.body ? fc.sample(valueFor(op.body), { numRuns: 1, seed: r.seed })[0] : undefined;
        const query =
          op.query && Object.keys(op.query).length
            ? new URLSearchParams(
                Object.entries(
                  fc.sample(objectFor({ properties: op.query }), { numRuns: 1, seed: r.seed })[0] ?? {},
                ).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
              ).toString()
            : '';
        const token =
          r.auth === 'owner'
            ? owner
            : r.auth === 'read_only'
              ? await world.accountA.token('read_only')
              : r.auth === 'garbage'
                ? 'kw_garbage'
                : undefined;
        const headers: Record<string, string> = { 'content-type': r.contentType };
        const res = await world.server.request(op.method, `${path}${query ? `?${query}` : ''}`, {
          ...(token ? { token } : {}),
          headers,
          ...(op.method === 'GET' || op.method === 'DELETE'
            ? {}
            : r.rawBody !== null
              ? { raw: r.rawBody }
              : { raw: JSON.stringify(body ?? {}) }),
        });
        sent++;
        const matches = op.responses.get(res.status);
        if (matches) checked++;
        if (matches && !matches(res.body))
          failures.push(
            `${op.method} ${path} → ${res.status} breaks its schema: ${ajvMessage(matches)} in ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        // 501 PAYMENT_PROVIDER_NOT_CONFIGURED: the test servers have no Stripe keys, and say so.
        const unconfigured =
          res.status === 501 && (res.body as any)?.error?.code === 'PAYMENT_PROVIDER_NOT_CONFIGURED';
        if (res.status >= 500 && !unconfigured)
          failures.push(`${op.method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        if (res.status >= 400 && path.startsWith('/api/')) {
          const e = (res.body as any)?.error ?? (res.body as any);
          if (
            !(
              typeof e?.code === 'string' &&
              typeof e?.message === 'string' &&
              typeof e?.request_id === 'string'
            )
          ) {
            failures.push(
              `${op.method} ${path} → ${res.status} without the error body: ${JSON.stringify(res.body).slice(0, 200)}`,
            );
          }
        }
      }),
      { numRuns: TOTAL, endOnFailure: false },
    );
    const withSchemas = ops.filter((o) => o.responses.size).length;
    console.log(
      `fuzz: ${sent} requests sent over ${ops.length} operations (${withSchemas} with response schemas; ${checked} responses checked against them), ${failures.length} failures`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBe(TOTAL);
    // Nothing the fuzz created is missing from the audit log.
    expect(await rowsWithoutEvent()).toEqual([]);
  });
});

/** Rows of the two accounts that no event names as its subject. */
async function rowsWithoutEvent(): Promise<string[]> {
  const { sql } = world.server.ctx.db;
  const accounts = [world.accountA.accountId, world.accountB.accountId];
  const missing: string[] = [];
  for (const table of [
    'licenses',
    'customers',
    'products',
    'plans',
    'api_keys',
    'users',
    'activations',
    'subscriptions',
    'device_blocks',
    'signing_keys',
  ]) {
    const rows = await sql<{ id: string }[]>`
      select t.id::text as id from ${sql(table)} t
      where t.account_id = any(${accounts}::uuid[])
        and not exists (select 1 from events e where e.account_id = t.account_id and e.subject_id = t.id::text)`;
    for (const r of rows) missing.push(`${table} ${r.id}`);
  }
  return missing;
}
