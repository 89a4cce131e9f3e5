import { createPublicKey, verify } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { createTestAccount, FixedClock, useTwoAccountWorld } from '../../test/support/server.js';
import { retireExpiredKeys, retireSigningKey, rotateSigningKey } from './service.js';
import { LICENSE_AUDIENCE, SigningKeys } from './signing-keys.js';

const clock = new FixedClock();
const world = useTwoAccountWorld({ clock });
beforeEach(() => clock.set('2026-01-15T12:00:00Z'));

async function independentlyVerify(token: string) {
  // Only the published JWKS: no shared code with the server.
  const jwks = createRemoteJWKSet(
    new URL(`${world.server.url}/.well-known/jwks.json?account=${world.accountA.accountId}`),
  );
  return jwtVerify(token, jwks, {
    audience: LICENSE_AUDIENCE,
    issuer: world.server.ctx.config.publicUrl,
    currentDate: clock.now(),
  });
}

describe('signed activation tokens', () => {
  it('an activation token verifies with jose given only /.well-known/jwks.json (EdDSA, then RS256 after rotation)', async () => {
    const license = await issueLicense(world.server, world.accountA);
    const a = await activate(world.server, license.key, 'jwks-1');
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

    const rotated = await world.server.request('POST', '/api/v1/signing-keys/rotate', {
      token: await world.accountA.token('developer'),
      body: { alg: 'RS256' },
    });
    expect(rotated.status).toBe(201);
    const b = await activate(world.server, license.key, 'jwks-2');
    const verified = await independentlyVerify(b.body.signed_token);
    expect(verified.protectedHeader.alg).toBe('RS256');
    // The old key still verifies during the overlap.
    await expect(independentlyVerify(a.body.signed_token)).resolves.toBeTruthy();
  });

  it('rejects a flipped byte, alg none, an unknown kid, wrong aud/iss, and expiry', async () => {
    const signed = await world.server.parts.signing.signToken(
      world.accountA.accountId,
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
      const result = await world.server.parts.signing.verifyToken(token);
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.code, name).toBe('TOKEN_INVALID');
    }
    expect((await world.server.parts.signing.verifyToken(signed.token)).ok).toBe(true);
    clock.set('2026-01-15T12:02:00Z');
    const expired = await world.server.parts.signing.verifyToken(signed.token);
    expect(expired).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
  });

  it('after the overlap the old key is retired: its tokens fail and JWKS drops it', async () => {
    const old = await world.server.parts.signing.signToken(
      world.accountB.accountId,
      { n: 1 },
      { subject: 's', ttlSeconds: 30 * 86_400 },
    );
    const before = await world.server.request(
      'GET',
      `/.well-known/jwks.json?account=${world.accountB.accountId}`,
    );
    expect(before.body.keys.map((k: { kid: string }) => k.kid)).toContain(old.kid);
    await world.server.request('POST', '/api/v1/signing-keys/rotate', {
      token: await world.accountB.token('owner'),
      body: { overlap_hours: 24 },
    });
    expect((await world.server.parts.signing.verifyToken(old.token)).ok).toBe(true);
    clock.set('2026-01-16T13:00:00Z');
    expect(await world.server.parts.signing.verifyToken(old.token)).toMatchObject({
      ok: false,
      code: 'TOKEN_INVALID',
    });
    const after = await world.server.request(
      'GET',
      `/.well-known/jwks.json?account=${world.accountB.accountId}`,
    );
    expect(after.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(old.kid);
    const list = await world.server.request('GET', '/api/v1/signing-keys', {
      token: await world.accountB.token('read_only'),
    });
    expect(JSON.stringify(list.body)).not.toMatch(/PRIVATE|private_key/);
    const active = list.body.data.find((k: { status: string }) => k.status === 'active');
    const retireActive = await world.server.request('POST', `/api/v1/signing-keys/${active.id}/retire`, {
      token: await world.accountB.token('owner'),
    });
    expect(retireActive.status).toBe(409);
  });

  it('private keys are encrypted at rest', async () => {
    const rows = await world.server.ctx.db
      .sql`select private_key_enc from signing_keys where account_id = ${world.accountA.accountId}`;
    for (const r of rows) expect(r.private_key_enc).not.toContain('PRIVATE KEY');
  });
});

/** The same server seen as another process would: separate key and token caches, same database and bus. */
const otherProcess = () => new SigningKeys(world.server.ctx);

async function eventsOf(accountId: string, type: string) {
  return world.server.ctx.db.sql<{ subject_id: string; data: Record<string, unknown> }[]>`
    select subject_id, data from events where account_id = ${accountId} and type = ${type}`;
}

describe('signing keys: lifecycle', () => {
  it('two processes creating the first key at once agree on one key, recorded once', async () => {
    const acct = await createTestAccount(world.server);
    const signers = await Promise.all(
      [world.server.parts.signing, otherProcess(), otherProcess(), world.server.parts.signing].map((s) =>
        s.signer(acct.accountId),
      ),
    );
    expect(new Set(signers.map((s) => s.kid)).size).toBe(1);
    expect(signers[0]!.alg).toBe('EdDSA');
    const rows = await world.server.ctx.db
      .sql`select id from signing_keys where account_id = ${acct.accountId}`;
    expect(rows).toHaveLength(1);
    expect(await eventsOf(acct.accountId, 'signing_key.created')).toHaveLength(1);
  });

  it('a detached signature verifies with the stored public key alone', async () => {
    const payload = Buffer.from('{"license":"file"}');
    const signer = await world.server.parts.signing.signer(world.accountA.accountId);
    const sig = { kid: signer.kid, signature: signer.sign(payload) };
    const [row] = await world.server.ctx.db.sql<{ public_key_pem: string; alg: string }[]>`
      select public_key_pem, alg from signing_keys where kid = ${sig.kid}`;
    const key = createPublicKey(row!.public_key_pem);
    expect(verify(row!.alg === 'EdDSA' ? null : 'sha256', payload, key, sig.signature)).toBe(true);
    expect(verify(row!.alg === 'EdDSA' ? null : 'sha256', Buffer.from('x'), key, sig.signature)).toBe(false);
  });

  it('never throws on garbage: null segments, arrays, odd kids, oversize tokens', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const garbage = [
      '',
      '.',
      '..',
      'a.b',
      'a.b.c.d',
      `${enc(null)}.${enc(null)}.AAAA`,
      `${enc([1])}.${enc({})}.AAAA`,
      `${enc({ alg: 'EdDSA', kid: 42 })}.${enc({})}.AAAA`,
      `${enc({ alg: 'EdDSA', kid: "kw_'; drop table signing_keys;--" })}.${enc({})}.AAAA`,
      `${enc({ alg: 'EdDSA', kid: 'kw_x'.repeat(100) })}.${enc({})}.AAAA`,
      `${enc({ alg: 'EdDSA' })}.${enc({})}.AAAA`,
      `%%%.%%%.%%%`,
      'x'.repeat(100_000),
      `${'a'.repeat(20_000)}.b.c`,
    ];
    for (const token of garbage) {
      const result = await world.server.parts.signing.verifyToken(token);
      expect(result, token.slice(0, 40)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    }
  });

  it('a token with no exp, or a non-numeric one, is refused even when correctly signed', async () => {
    const signer = await world.server.parts.signing.signer(world.accountA.accountId);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { iss: world.server.ctx.config.publicUrl, aud: LICENSE_AUDIENCE, sub: 's' };
    for (const extra of [{}, { exp: 'never' }]) {
      const input = `${enc({ alg: signer.alg, typ: 'JWT', kid: signer.kid })}.${enc({ ...claims, ...extra })}`;
      const token = `${input}.${signer.sign(Buffer.from(input)).toString('base64url')}`;
      expect(await world.server.parts.signing.verifyToken(token)).toMatchObject({
        ok: false,
        code: 'TOKEN_INVALID',
      });
    }
  });

  it('a cached verification stops at once when another process retires the key', async () => {
    const acct = await createTestAccount(world.server);
    const signed = await world.server.parts.signing.signToken(
      acct.accountId,
      {},
      { subject: 's', ttlSeconds: 3600 },
    );
    expect((await world.server.parts.signing.verifyToken(signed.token)).ok).toBe(true);
    expect((await world.server.parts.signing.verifyToken(signed.token)).ok).toBe(true); // cached now

    const other = { ...world.server.ctx }; // admin operations need no process state
    await rotateSigningKey(other, acct.accountId, {}, { type: 'system' });
    const [old] = await other.db.sql<{ id: string }[]>`select id from signing_keys where kid = ${signed.kid}`;
    await retireSigningKey(other, acct.accountId, old!.id, { type: 'system' });
    await vi.waitFor(async () =>
      expect(await world.server.parts.signing.verifyToken(signed.token)).toMatchObject({
        ok: false,
        code: 'TOKEN_INVALID',
      }),
    );
    // A new token is signed with the new key in this process too.
    const fresh = await world.server.parts.signing.signToken(
      acct.accountId,
      {},
      { subject: 's', ttlSeconds: 60 },
    );
    expect(fresh.kid).not.toBe(signed.kid);
    expect((await world.server.parts.signing.verifyToken(fresh.token)).ok).toBe(true);

    // Retiring again changes nothing and records nothing more.
    await retireSigningKey(world.server.ctx, acct.accountId, old!.id, { type: 'system' });
    expect(await eventsOf(acct.accountId, 'signing_key.retired')).toHaveLength(1);
    expect(await eventsOf(acct.accountId, 'signing_key.rotated')).toHaveLength(1);
  });

  it('retireExpiredKeys marks keys past their overlap retired, with an event', async () => {
    const acct = await createTestAccount(world.server);
    const first = await world.server.parts.signing.signer(acct.accountId);
    await rotateSigningKey(world.server.ctx, acct.accountId, { overlapHours: 2 }, { type: 'system' });
    expect(await retireExpiredKeys(world.server.ctx)).toBe(0);
    const listed = async () =>
      (
        await world.server.request('GET', '/api/v1/signing-keys', { token: await acct.token('read_only') })
      ).body.data.find((k: { kid: string }) => k.kid === first.kid);
    expect((await listed()).status).toBe('retiring');

    clock.set('2026-01-15T14:00:01Z');
    expect((await listed()).status).toBe('retired'); // shown as retired before the sweep runs
    expect(await retireExpiredKeys(world.server.ctx)).toBeGreaterThanOrEqual(1);
    const [row] = await world.server.ctx.db.sql<{ status: string; retired_at: Date }[]>`
      select status, retired_at from signing_keys where kid = ${first.kid}`;
    expect(row!.status).toBe('retired');
    expect(row!.retired_at).toEqual(clock.now());
    const events = await eventsOf(acct.accountId, 'signing_key.retired');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ kid: first.kid, reason: 'overlap_ended' });
  });
});

describe('signing keys security', () => {
  runSecuritySuite(
    {
      name: 'signing-keys',
      create: async (acct) => {
        await world.server.parts.signing.signToken(acct.accountId, {}, { subject: 's', ttlSeconds: 60 });
        const res = await world.server.request('POST', '/api/v1/signing-keys/rotate', {
          token: await acct.token('owner'),
        });
        const list = await world.server.request('GET', '/api/v1/signing-keys', {
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
    () => world,
  );
});
