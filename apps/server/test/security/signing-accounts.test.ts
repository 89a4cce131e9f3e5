import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../support/fixtures.js';
import { useTwoAccountWorld } from '../support/server.js';

// Issue N, one tenant's keys: the JWKS lists one account's keys, and a key of one account cannot vouch
// for a token naming another.

const world = useTwoAccountWorld();

const kids = (body: { keys: Array<{ kid: string }> }) => body.keys.map((k) => k.kid);

describe('the JWKS', () => {
  it("lists one account's keys, named by id or slug, and tells nothing of unknown accounts", async () => {
    // Each account gets its first key when it first signs.
    for (const account of [world.accountA, world.accountB]) {
      const license = await issueLicense(world.server, account);
      expect((await activate(world.server, license.key, `jwks-${account.slug}`)).status).toBe(200);
    }
    // No account named: the server's first account, as a one-account server's clients expect.
    const bare = await world.server.request('GET', '/.well-known/jwks.json');
    const first = await world.server.request('GET', '/.well-known/jwks.json?account=default');
    expect([bare.status, bare.body]).toEqual([200, first.body]);

    const a = await world.server.request('GET', `/.well-known/jwks.json?account=${world.accountA.accountId}`);
    const b = await world.server.request('GET', `/.well-known/jwks.json?account=${world.accountB.slug}`);
    expect(kids(a.body).length).toBeGreaterThan(0);
    expect(kids(b.body).length).toBeGreaterThan(0);
    expect(kids(a.body).filter((kid) => kids(b.body).includes(kid))).toEqual([]);

    for (const unknown of ['0b7c5f4e-4a4e-4a53-9d55-3c3f4b1e7a10', 'no-such-account']) {
      const res = await world.server.request('GET', `/.well-known/jwks.json?account=${unknown}`);
      expect([res.status, res.body.keys]).toEqual([200, []]);
    }
  });
});

describe('a signing key speaks only for its own account', () => {
  it("refuses a token signed with account A's key that names account B's seat", async () => {
    const license = await issueLicense(world.server, world.accountB);
    const victim = await activate(world.server, license.key, 'cross-tenant-device');
    const claims = JSON.parse(Buffer.from(victim.body.signed_token.split('.')[1], 'base64url').toString());
    // Account A's owner holds A's key (a tenant of a shared server); A signs B's claims with it.
    const signer = await world.server.parts.signing.signer(world.accountA.accountId);
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: signer.alg, typ: 'JWT', kid: signer.kid })}.${enc({ ...claims, jti: 'forged' })}`;
    const forged = `${input}.${signer.sign(Buffer.from(input)).toString('base64url')}`;

    const res = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: forged, device_id: 'cross-tenant-device' },
    });
    expect(res.body).toMatchObject({ valid: false, code: 'TOKEN_INVALID' });
    expect(res.body.reason).toMatch(/another account/);
    // The genuine token still validates.
    const genuine = await world.server.request('POST', '/api/v1/licensing/validate', {
      body: { token: victim.body.signed_token, device_id: 'cross-tenant-device' },
    });
    expect(genuine.body.valid).toBe(true);
  });
});
