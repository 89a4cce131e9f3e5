import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../src/http/logging.js';
import {
  createTestAccount,
  startTestServer,
  type TestResponse,
  type TestServer,
  useServer,
} from './support/server.js';

// The embedded database serves one connection: at most one test server is open at a time, so each
// describe block starts and closes its own (useServer inside the describe).

/** Every error answer has the one body shape and echoes the request id. */
function expectErrorBody(res: TestResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Object), request_id: expect.any(String) },
  });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.headers.get('x-request-id')).toBe(res.body.error.request_id);
}

const newUser = () => ({
  email: `u-${Math.random().toString(36).slice(2)}@example.com`,
  role: 'support',
  password: 'long-enough-password',
});

describe('request bodies are refused with a specific code, never a 500', () => {
  const world = useServer();
  let owner: string;
  beforeAll(async () => {
    owner = await world.account.token('owner');
  });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      raw: '{"email": "a@b.c", ',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 400, 'INVALID_JSON');
  });

  it('an empty JSON body → 400 INVALID_JSON', async () => {
    const res = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(['INVALID_JSON', 'INVALID_REQUEST']).toContain(res.body.error.code);
  });

  it('a JSON array or string where an object is expected → 400 INVALID_REQUEST with the /body pointer', async () => {
    const res = await world.server.request('POST', '/api/v1/users', { token: owner, body: [1, 2] });
    expectErrorBody(res, 400, 'INVALID_REQUEST');
    expect(res.body.error.details.pointer).toBe('/body');
  });

  it('wrong content type (text/plain) → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      raw: JSON.stringify(newUser()),
      headers: { 'content-type': 'text/plain' },
    });
    expectErrorBody(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a missing field → 422 MISSING_FIELD pointing at it', async () => {
    const { email: _omit, ...body } = newUser();
    const res = await world.server.request('POST', '/api/v1/users', { token: owner, body });
    expectErrorBody(res, 422, 'MISSING_FIELD');
    expect(res.body.error.details.pointer).toBe('/body/email');
  });

  it('a mistyped field → 422 INVALID_FIELD pointing at it (no coercion of "5" in JSON)', async () => {
    const res = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { ...newUser(), name: 5 },
    });
    expectErrorBody(res, 422, 'INVALID_FIELD');
    expect(res.body.error.details.pointer).toBe('/body/name');

    const badEnum = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { ...newUser(), role: 'emperor' },
    });
    expectErrorBody(badEnum, 422, 'INVALID_FIELD');
    expect(badEnum.body.error.details.pointer).toBe('/body/role');

    const badEmail = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { ...newUser(), email: 'not-an-email' },
    });
    expectErrorBody(badEmail, 422, 'INVALID_FIELD');
    expect(badEmail.body.error.details.pointer).toBe('/body/email');
  });

  it('an unknown field on a write → 422 UNKNOWN_FIELD pointing at it, and nothing is created', async () => {
    const body = { ...newUser(), is_superuser: true };
    const res = await world.server.request('POST', '/api/v1/users', { token: owner, body });
    expectErrorBody(res, 422, 'UNKNOWN_FIELD');
    expect(res.body.error.details.pointer).toBe('/body/is_superuser');
    const [row] = await world.server.ctx.db
      .sql`select count(*)::int as n from users where email = ${body.email}`;
    expect(row!.n).toBe(0);

    const patch = await world.server.request(
      'PATCH',
      `/api/v1/users/${(await world.server.request('GET', '/api/v1/auth/me', { token: owner })).body.user.id}`,
      {
        token: owner,
        body: { nickname: 'x' },
      },
    );
    expectErrorBody(patch, 422, 'UNKNOWN_FIELD');
    expect(patch.body.error.details.pointer).toBe('/body/nickname');
  });

  it('a 10 MB body → 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ ...newUser(), name: 'x'.repeat(10 * 1024 * 1024) });
    const res = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 413, 'PAYLOAD_TOO_LARGE');
    // The server is still fine afterwards.
    expect((await world.server.request('GET', '/health')).status).toBe(200);
  });

  it('an out-of-range query value → 422 pointing at /query/<name>', async () => {
    const res = await world.server.request('GET', '/api/v1/users?limit=1e9', { token: owner });
    expectErrorBody(res, 422, 'INVALID_FIELD');
    expect(res.body.error.details.pointer).toBe('/query/limit');

    const text = await world.server.request('GET', '/api/v1/users?limit=lots', { token: owner });
    expectErrorBody(text, 422, 'INVALID_FIELD');
    expect(text.body.error.details.pointer).toBe('/query/limit');

    const unknown = await world.server.request('GET', '/api/v1/users?colour=red', { token: owner });
    expectErrorBody(unknown, 422, 'UNKNOWN_FIELD');
    expect(unknown.body.error.details.pointer).toBe('/query/colour');
  });

  it('a malformed path id → 422 INVALID_FIELD pointing at /params/id', async () => {
    const res = await world.server.request('GET', '/api/v1/users/not-a-uuid', { token: owner });
    expectErrorBody(res, 422, 'INVALID_FIELD');
    expect(res.body.error.details.pointer).toBe('/params/id');
  });

  it('an unknown route → 404 ROUTE_NOT_FOUND', async () => {
    const res = await world.server.request('GET', '/api/v1/no-such-thing');
    expectErrorBody(res, 404, 'ROUTE_NOT_FOUND');
  });

  it('no credentials → 401 with the same error body', async () => {
    expectErrorBody(await world.server.request('GET', '/api/v1/users'), 401, 'UNAUTHENTICATED');
  });

  it('every response carries an x-request-id; a caller-sent one is echoed', async () => {
    const res = await world.server.request('GET', '/health', {
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    const err = await world.server.request('GET', '/api/v1/nope', {
      headers: { 'x-request-id': 'trace-def-456' },
    });
    expect(err.body.error.request_id).toBe('trace-def-456');
  });
});

describe('per-caller rate limit', () => {
  const world = useServer({ accounts: 0, config: { rateLimitPerMinute: 5 } });

  it('answers 429 RATE_LIMITED with Retry-After on the 6th request of a minute; a route with its own limit counts apart', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await world.server.request('GET', '/api/v1/users');
      expect(res.status, `request ${i}`).toBe(401);
    }
    const sixth = await world.server.request('GET', '/api/v1/users');
    expectErrorBody(sixth, 429, 'RATE_LIMITED');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Health checks are not rate limited.
    expect((await world.server.request('GET', '/health')).status).toBe(200);
    // The client API counts per device, apart from the caller's count.
    const own = await world.server.request('POST', '/api/v1/licensing/validate-key', {
      body: { license_key: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE' },
    });
    expect(own.status).not.toBe(429);
    // Another credential is another caller: its count starts at zero.
    const other = await world.server.request('GET', '/api/v1/users', { token: 'kw_someone_else' });
    expect(other.status).toBe(401);
  });
});

describe('operations endpoints and headers', () => {
  const world = useServer({ accounts: 0 });

  it('sets security headers: the OWASP REST set on the API, the helmet set on pages', async () => {
    const res = await world.server.request('GET', '/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
    const docs = await world.server.request('GET', '/docs/');
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(docs.headers.get('x-powered-by')).toBeNull();
  });

  it('/health reports the database; /ready answers', async () => {
    const health = await world.server.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: 'up' });
    expect((await world.server.request('GET', '/ready')).status).toBe(200);
  });

  it('/openapi.json is OpenAPI 3.1 generated from the routes', async () => {
    const res = await world.server.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1/);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/auth/me',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/api-keys',
    ]) {
      expect(res.body.paths, path).toHaveProperty([path]);
    }
    expect(res.body.paths['/api/v1/users'].post.requestBody).toBeTruthy();
    expect(JSON.stringify(res.body)).toContain('ErrorBody');
    // Every event a webhook endpoint may receive, with its envelope and an example.
    const suspended = res.body.webhooks['license.suspended'].post;
    expect(suspended.requestBody.content['application/json'].example.type).toBe('license.suspended');
    expect(suspended.parameters.map((h: { name: string }) => h.name)).toContain('webhook-signature');
  });

  it('/docs answers 200', async () => {
    const res = await fetch(`${world.server.url}/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger|<html/i);
  });

  it('/metrics exposes Prometheus request durations', async () => {
    await world.server.request('GET', '/health');
    const res = await world.server.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = res.body as string;
    // Cumulative buckets up to +Inf, then sum and count, per method, route and status.
    const line = (name: string) =>
      new RegExp(
        `^keyward_http_request_duration_seconds_${name}\\{method="GET",route="/health",status="200"[^}]*\\} (\\S+)$`,
        'm',
      );
    const count = Number(line('count').exec(body)?.[1]);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(body).toMatch(line('sum'));
    expect(body).toContain(
      `keyward_http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="+Inf"} ${count}`,
    );
  });
});

describe('CORS allow-list', () => {
  const world = useServer({ accounts: 0, config: { corsOrigins: ['https://app.example.com'] } });

  it('an allowed origin gets access-control-allow-origin; another origin does not', async () => {
    const ok = await world.server.request('GET', '/health', {
      headers: { origin: 'https://app.example.com' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await world.server.request('GET', '/health', {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a preflight from the allowed origin is answered', async () => {
    const res = await fetch(`${world.server.url}/api/v1/users`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});

describe('logs never contain secrets', () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, stream };
  }

  it('redacts passwords, tokens, keys and secret query parameters', () => {
    const { lines, stream } = capture();
    const log = pino(loggerOptions('trace') as pino.LoggerOptions, stream);
    const secrets = {
      password: 'hunter2-hunter2-P1',
      token: 'tok-SECRET-1',
      refresh_token: 'kwr_SECRET-2',
      access_token: 'eyJ-SECRET-3',
      license_key: 'KW-ABCDE-FGHIJ-KLMNO-PQRST-UVWXY',
      secret: 'kw_abcdef_SECRET-4',
    };
    log.info(secrets, 'top level');
    log.info({ body: secrets }, 'nested');
    log.info({ input: { user: secrets } }, 'deeper');
    log.info(
      {
        req: {
          method: 'GET',
          url: '/api/v1/ws?token=ws-SECRET-5&x=1&license_key=KW-ZZZZZ-SECRET-6',
          ip: '127.0.0.1',
          headers: { authorization: 'Bearer eyJ-SECRET-7', cookie: 'session=SECRET-8' },
        },
      },
      'request',
    );
    const out = lines.join('');
    expect(out).toContain('top level');
    expect(out).toContain('/api/v1/ws?token=[redacted]&x=1');
    for (const s of [...Object.values(secrets), 'ws-SECRET-5', 'SECRET-6', 'SECRET-7', 'SECRET-8']) {
      expect(out, s).not.toContain(s);
    }
  });

  it('a running server with request logging on writes no password or token', async () => {
    const { lines, stream } = capture();
    const previous = process.env.KEYWARD_LOG_REQUESTS;
    process.env.KEYWARD_LOG_REQUESTS = 'true';
    let logged: TestServer | undefined;
    try {
      logged = await startTestServer({ config: { logLevel: 'trace' }, logDestination: stream });
      const acct = await createTestAccount(logged);
      const session = await logged.request('POST', '/api/v1/auth/login', {
        body: { email: acct.ownerEmail, password: acct.ownerPassword },
      });
      expect(session.status).toBe(200);
      await logged.request('POST', '/api/v1/auth/login', {
        body: { email: acct.ownerEmail, password: 'WRONG-pass-SECRET' },
      });
      await logged.request('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: session.body.refresh_token },
      });
      await logged.request('GET', `/api/v1/users?token=${session.body.access_token}`, {
        token: session.body.access_token,
      });
      const key = await logged.request('POST', '/api/v1/api-keys', {
        token: session.body.access_token,
        body: { name: 'k', role: 'read_only' },
      });
      await logged.request('GET', '/api/v1/users', { token: key.body.secret });
      await logged.request('POST', '/api/v1/users', {
        token: session.body.access_token,
        raw: `{"password": "${acct.ownerPassword}"`,
        headers: { 'content-type': 'application/json' },
      });
    } finally {
      if (previous === undefined) delete process.env.KEYWARD_LOG_REQUESTS;
      else process.env.KEYWARD_LOG_REQUESTS = previous;
      await logged?.close();
    }
    const out = lines.join('');
    expect(out).toContain('/api/v1/auth/login'); // request logging was on
    expect(out).toMatch(/"reqId":"[0-9a-f-]{36}"/); // request lines carry their id (lazy child logger)
    expect(out).toContain('[redacted]');
    for (const s of ['correct-horse-battery-staple', 'WRONG-pass-SECRET', 'kwr_', 'eyJ', 'kw_']) {
      expect(out, s).not.toContain(s);
    }
  });
});
