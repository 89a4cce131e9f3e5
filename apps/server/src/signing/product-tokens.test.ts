import { spawn } from 'node:child_process';
import { verifyLicenseToken } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

// Per-product token settings (issue H): a vendor whose shipped client expects RS256 tokens with its own
// issuer and audience (seed 000: flowlytix-licensing / flowlytix-app) moves to Keyward unchanged.
const world = useTwoAccountWorld();
const SEED_000 = { algorithm: 'RS256', issuer: 'flowlytix-licensing', audience: 'flowlytix-app' } as const;

/** Verifies a token with PyJWT (Debian's python3-jwt), given only the JWKS, the issuer and the audience. */
function pyjwtDecode(token: string, jwks: unknown, issuer: string, audience: string) {
  const script = `
import json, sys, jwt
data = json.load(sys.stdin)
kid = jwt.get_unverified_header(data["token"])["kid"]
key = next(k for k in data["jwks"]["keys"] if k["kid"] == kid)
claims = jwt.decode(data["token"], jwt.PyJWK(key).key, algorithms=["RS256"],
                    audience=data["audience"], issuer=data["issuer"])
print(json.dumps(claims))
`;
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-c', script]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`PyJWT refused the token: ${err}`)),
    );
    child.stdin.end(JSON.stringify({ token, jwks, issuer, audience }));
  });
}

async function productLicense() {
  const owner = await world.accountA.token('owner');
  const product = await world.server.request('POST', '/api/v1/products', {
    token: owner,
    body: { code: `desk-${Date.now()}`, name: 'Desktop' },
  });
  expect(product.status).toBe(201);
  const license = await issueLicense(world.server, world.accountA, {}, { product_id: product.body.id });
  return { owner, productId: product.body.id as string, license };
}

const jwksOf = async () =>
  (await world.server.request('GET', `/.well-known/jwks.json?account=${world.accountA.accountId}`)).body;
const validate = (token: string, device: string) =>
  world.server.request('POST', '/api/v1/licensing/validate', { body: { token, device_id: device } });

describe('per-product token settings', () => {
  it('an RS256 token with a custom issuer and audience verifies with PyJWT given only the JWKS', async () => {
    const { owner, productId, license } = await productLicense();
    const set = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: owner,
      body: SEED_000,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ own_key: true, ...SEED_000 });
    const seat = await activate(world.server, license.key, 'py-1');
    expect(seat.status).toBe(200);
    const token = seat.body.signed_token as string;
    const claims = await pyjwtDecode(token, await jwksOf(), SEED_000.issuer, SEED_000.audience);
    expect(claims).toMatchObject({ license_id: license.id, device_id: 'py-1', iss: 'flowlytix-licensing' });
    // Keyward and the SDK accept it as before.
    expect((await validate(token, 'py-1')).body).toMatchObject({ valid: true, code: 'VALID' });
    const sdk = await verifyLicenseToken(token, { jwks: await jwksOf(), issuer: SEED_000.issuer });
    expect(sdk.license_id).toBe(license.id);
    // The same settings again change nothing; other settings make a new key, and the old token still verifies.
    const again = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: owner,
      body: SEED_000,
    });
    expect(again.body.kid).toBe(set.body.kid);
    const moved = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: owner,
      body: { algorithm: 'EdDSA', issuer: 'flowlytix-licensing-2' },
    });
    expect(moved.body).toMatchObject({
      algorithm: 'EdDSA',
      issuer: 'flowlytix-licensing-2',
      audience: 'keyward:license',
    });
    expect(moved.body.kid).not.toBe(set.body.kid);
    expect((await validate(token, 'py-1')).body).toMatchObject({ valid: true });
    const second = await activate(world.server, license.key, 'py-2');
    const header = JSON.parse(Buffer.from(second.body.signed_token.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: moved.body.kid });
    expect((await validate(second.body.signed_token, 'py-2')).body).toMatchObject({ valid: true });
    // Cleared: back to the account's key and this server's issuer.
    const cleared = await world.server.request('DELETE', `/api/v1/products/${productId}/token-settings`, {
      token: owner,
    });
    expect(cleared.body).toMatchObject({ own_key: false, issuer: world.server.ctx.config.publicUrl });
    const third = await activate(world.server, license.key, 'py-3');
    const claims3 = JSON.parse(Buffer.from(third.body.signed_token.split('.')[1], 'base64url').toString());
    expect(claims3).toMatchObject({ iss: world.server.ctx.config.publicUrl, aud: 'keyward:license' });
  });

  it('is scoped to the account and refuses what would break the SDK', async () => {
    const { owner, productId } = await productLicense();
    const other = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: await world.accountB.token('owner'),
      body: SEED_000,
    });
    expect(other.status).toBe(404);
    const reserved = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: owner,
      body: { algorithm: 'RS256', audience: 'keyward:license' },
    });
    expect(reserved.status).toBe(422);
    expect(reserved.body.error).toMatchObject({
      code: 'INVALID_FIELD',
      details: { pointer: '/body/audience' },
    });
    const readOnly = await world.server.request('PUT', `/api/v1/products/${productId}/token-settings`, {
      token: await world.accountA.token('read_only'),
      body: SEED_000,
    });
    expect(readOnly.status).toBe(403);
  });
});
