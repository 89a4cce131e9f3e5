import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import {
  createTestAccount,
  FixedClock,
  startTestServer,
  type TestAccount,
  type TestServer,
} from '../../test/support/server.js';
import { LICENSE_AUDIENCE, signLicenseToken, verifyLicenseToken } from './service.js';

const clock = new FixedClock();
let server: TestServer;
let account: TestAccount;
let accountB: TestAccount;

beforeAll(async () => {
  server = await startTestServer({ clock });
  account = await createTestAccount(server);
  accountB = await createTestAccount(server);
});
afterAll(() => server?.close());
beforeEach(() => clock.set('2026-01-15T12:00:00Z'));

async function independentlyVerify(token: string) {
  // Only the published JWKS: no shared code with the server.
  const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
  return jwtVerify(token, jwks, {
    audience: LICENSE_AUDIENCE,
    issuer: server.ctx.config.publicUrl,
    currentDate: clock.now(),
  });
}

describe('signed activation tokens', () => {
  it('an activation token verifies with jose given only /.well-known/jwks.json (EdDSA, then RS256 after rotation)', async () => {
    const license = await issueLicense(server, account);
    const a = await activate(server, license.key, 'jwks-1');
    const { payload, protectedHeader } = await independentlyVerify(a.body.signed_token);
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(protectedHeader.kid).toMatch(/^kw_/);
    expect(payload).toMatchObject({
      license_id: license.id,
      device_id: 'jwks-1',
      tier: license.plan_code,
      sub: a.body.activation_id,
    });
    for (const claim of ['iss', 'aud', 'exp', 'iat', 'jti', 'tenant_id', 'features', 'grace_period_days'])
      expect(payload).toHaveProperty(claim);

    const rotated = await server.request('POST', '/api/v1/signing-keys/rotate', {
      token: await account.token('developer'),
      body: { alg: 'RS256' },
    });
    expect(rotated.status).toBe(201);
    const b = await activate(server, license.key, 'jwks-2');
    const verified = await independentlyVerify(b.body.signed_token);
    expect(verified.protectedHeader.alg).toBe('RS256');
    // The old key still verifies during the overlap.
    await expect(independentlyVerify(a.body.signed_token)).resolves.toBeTruthy();
  });

  it('rejects a flipped byte, alg none, an unknown kid, wrong aud/iss, and expiry', async () => {
    const signed = await signLicenseToken(
      server.ctx,
      account.accountId,
      { license_id: 'x' },
      { subject: 's', ttlSeconds: 60 },
    );
    const [h, p, s] = signed.token.split('.') as [string, string, string];
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const cases: Record<string, string> = {
      flipped: `${h}.${p}.${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`,
      none: `${enc({ alg: 'none', kid: header.kid })}.${p}.`,
      swapped: `${enc({ ...header, alg: header.alg === 'RS256' ? 'EdDSA' : 'RS256' })}.${p}.${s}`,
      unknownKid: `${enc({ ...header, kid: 'kw_unknown' })}.${p}.${s}`,
      wrongAud: `${h}.${enc({ ...claims, aud: 'someone-else' })}.${s}`,
      wrongIss: `${h}.${enc({ ...claims, iss: 'https://evil.example' })}.${s}`,
    };
    for (const [name, token] of Object.entries(cases)) {
      const result = await verifyLicenseToken(server.ctx, token);
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.code, name).toBe('TOKEN_INVALID');
    }
    expect((await verifyLicenseToken(server.ctx, signed.token)).ok).toBe(true);
    clock.set('2026-01-15T12:02:00Z');
    const expired = await verifyLicenseToken(server.ctx, signed.token);
    expect(expired).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
  });

  it('after the overlap the old key is retired: its tokens fail and JWKS drops it', async () => {
    const old = await signLicenseToken(
      server.ctx,
      accountB.accountId,
      { n: 1 },
      { subject: 's', ttlSeconds: 30 * 86_400 },
    );
    const before = await server.request('GET', '/.well-known/jwks.json');
    expect(before.body.keys.map((k: { kid: string }) => k.kid)).toContain(old.kid);
    await server.request('POST', '/api/v1/signing-keys/rotate', {
      token: await accountB.token('owner'),
      body: { overlap_hours: 24 },
    });
    expect((await verifyLicenseToken(server.ctx, old.token)).ok).toBe(true);
    clock.set('2026-01-16T13:00:00Z');
    expect(await verifyLicenseToken(server.ctx, old.token)).toMatchObject({
      ok: false,
      code: 'TOKEN_INVALID',
    });
    const after = await server.request('GET', '/.well-known/jwks.json');
    expect(after.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(old.kid);
    const list = await server.request('GET', '/api/v1/signing-keys', {
      token: await accountB.token('read_only'),
    });
    expect(JSON.stringify(list.body)).not.toMatch(/PRIVATE|private_key/);
    const active = list.body.data.find((k: { status: string }) => k.status === 'active');
    const retireActive = await server.request('POST', `/api/v1/signing-keys/${active.id}/retire`, {
      token: await accountB.token('owner'),
    });
    expect(retireActive.status).toBe(409);
  });

  it('private keys are encrypted at rest', async () => {
    const rows = await server.ctx.db
      .sql`select private_key_enc from signing_keys where account_id = ${account.accountId}`;
    for (const r of rows) expect(r.private_key_enc).not.toContain('PRIVATE KEY');
  });
});

describe('signing keys security', () => {
  runSecuritySuite(
    {
      name: 'signing-keys',
      create: async (acct) => {
        await signLicenseToken(server.ctx, acct.accountId, {}, { subject: 's', ttlSeconds: 60 });
        const res = await server.request('POST', '/api/v1/signing-keys/rotate', {
          token: await acct.token('owner'),
        });
        const list = await server.request('GET', '/api/v1/signing-keys', {
          token: await acct.token('owner'),
        });
        return list.body.data.find(
          (k: { id: string; status: string }) => k.status === 'retiring' && k.id !== res.body.id,
        ).id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/signing-keys' },
        {
          method: 'POST',
          path: '/api/v1/signing-keys/rotate',
          body: {},
          allowed: ['owner', 'admin', 'developer'],
        },
        { method: 'POST', path: '/api/v1/signing-keys/:id/retire', allowed: ['owner', 'admin', 'developer'] },
      ],
    },
    () => ({ server, accountA: account, accountB }),
  );
});
