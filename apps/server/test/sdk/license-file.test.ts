import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClockTamperError, VerificationError, verifyLicenseFile } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { useSdkWorld } from './sdk-world.js';

/**
 * License files: issued by the server, verified by the SDK and by `openssl` following
 * docs/offline-licensing.md word for word; altered files fail both.
 */
const w = useSdkWorld();
const DOC = fileURLToPath(new URL('../../../../docs/offline-licensing.md', import.meta.url));
const OPENSSL_STEPS =
  /<!-- openssl-verify:start -->\n```bash\n([\s\S]*?)```\n<!-- openssl-verify:end -->/.exec(
    readFileSync(DOC, 'utf8'),
  )![1]!;

/** Runs the doc's openssl block next to license.lic and jwks.json; true when openssl verified it. */
function opensslVerifies(licenseFile: string, jwks: unknown): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'kw-lic-'));
  writeFileSync(join(dir, 'license.lic'), licenseFile);
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));
  try {
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', OPENSSL_STEPS], { cwd: dir, stdio: 'pipe' });
    return out.toString().includes('Signature Verified Successfully');
  } catch {
    return false;
  }
}

async function issueFile(deviceId: string, encrypt = false) {
  const license = await issueLicense(w.server, w.account);
  const { client } = w.client(deviceId);
  const request = await client.createActivationRequest(license.key, { encrypt });
  const res = await w.server.request('POST', '/api/v1/licensing/offline/activate', { body: { request } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const jwks = (await w.server.request('GET', `/.well-known/jwks.json?account=${w.account.accountId}`)).body;
  return { license, file: res.body.license_file as string, body: res.body, jwks };
}

/** The file with one character of its payload changed (a different base64 digit: a flipped byte). */
function flipPayloadByte(file: string, at = 0.5): string {
  const lines = file.split('\n');
  const start = lines.indexOf('payload:') + 1;
  const line = start + Math.floor((lines.indexOf('signature:') - start) * at);
  const text = lines[line]!;
  const i = Math.floor(text.length / 2);
  lines[line] = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
  return lines.join('\n');
}

describe('license files', () => {
  it('verify in the SDK and with openssl per the docs; a flipped byte fails in both', async () => {
    const { license, file, body, jwks } = await issueFile('file-dev-1');
    expect(file.startsWith('-----BEGIN KEYWARD LICENSE FILE-----\nversion: 1\nalg: EdDSA\n')).toBe(true);
    const verified = await verifyLicenseFile(file, { jwks, now: w.clock.now(), fingerprint: 'file-dev-1' });
    expect(verified).toMatchObject({ alg: 'EdDSA', kid: body.kid, encrypted: false });
    expect(verified.license).toMatchObject({ id: license.id, tier: license.plan_code });
    expect(verified.device.device_id).toBe('file-dev-1');
    expect(verified.features.map((f) => f.feature_id)).toContain('advanced_reporting');
    expect(verified.emc).toHaveLength(8);
    // Default lifetime: 30 days.
    expect(verified.expiresAt.getTime() - verified.issuedAt.getTime()).toBe(30 * 86_400_000);
    expect(opensslVerifies(file, jwks)).toBe(true);

    for (const at of [0, 0.5, 0.99]) {
      const altered = flipPayloadByte(file, at);
      const err = await verifyLicenseFile(altered, { jwks, now: w.clock.now() }).catch((e) => e);
      expect(err).toBeInstanceOf(VerificationError);
      expect(err.code).toBe('SIGNATURE_INVALID');
      expect(opensslVerifies(altered, jwks)).toBe(false);
    }
  });

  it('rejects a swapped alg, an unknown kid, an edited header, a file from the future and an expired file', async () => {
    const { file, jwks, body } = await issueFile('file-dev-2');
    const now = w.clock.now();
    const code = (text: string, at = now) => verifyLicenseFile(text, { jwks, now: at }).catch((e) => e);
    for (const alg of ['RS256', 'none', 'HS256'])
      expect((await code(file.replace('alg: EdDSA', `alg: ${alg}`))).code).toBe('UNSUPPORTED_ALG');
    expect((await code(file.replace(`kid: ${body.kid}`, 'kid: someone-else'))).code).toBe('KEY_UNKNOWN');
    expect((await code(file.replace(/expires_at: .*/, 'expires_at: 2099-01-01T00:00:00.000Z'))).code).toBe(
      'FILE_TAMPERED',
    );
    expect((await code('not a license')).code).toBe('FILE_MALFORMED');

    const issued = new Date(body.issued_at);
    const future = await code(file, new Date(issued.getTime() - 3_600_000));
    expect(future).toBeInstanceOf(ClockTamperError);
    expect(future.code).toBe('CLOCK_TAMPER');
    const expired = await code(file, new Date(new Date(body.expires_at).getTime() + 1000));
    expect(expired.code).toBe('FILE_EXPIRED');
  });

  it('an encrypted file is readable with its license key only; openssl still verifies it', async () => {
    const { license, file, jwks } = await issueFile('file-dev-3', true);
    expect(file).toContain('encryption: aes-256-gcm');
    const payload = JSON.parse(
      Buffer.from(
        file.split('payload:\n')[1]!.split('signature:')[0]!.replace(/\n/g, ''),
        'base64',
      ).toString(),
    );
    expect(payload.license).toBeUndefined();
    expect(JSON.stringify(payload)).not.toContain('advanced_reporting');
    const now = w.clock.now();
    const opened = await verifyLicenseFile(file, { jwks, now, licenseKey: license.key.toLowerCase() });
    expect(opened.license.id).toBe(license.id);
    expect((await verifyLicenseFile(file, { jwks, now }).catch((e) => e)).code).toBe('DECRYPTION_FAILED');
    const wrong = await verifyLicenseFile(file, { jwks, now, licenseKey: 'KW-AAAA-BBBB-CCCC-DDDD' }).catch(
      (e) => e,
    );
    expect(wrong.code).toBe('DECRYPTION_FAILED');
    expect(opensslVerifies(file, jwks)).toBe(true);
  });

  it('lifetime follows the license: per-license ttl, never past expiry plus grace', async () => {
    const license = await issueLicense(w.server, w.account, {
      offline_file_ttl_days: 5,
      expires_at: new Date(w.clock.now().getTime() + 2 * 86_400_000).toISOString(),
      grace_period_days: 1,
    });
    const { client } = w.client('file-dev-4');
    const res = await w.server.request('POST', '/api/v1/licensing/offline/activate', {
      body: { request: await client.createActivationRequest(license.key) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(new Date(res.body.expires_at).getTime() - new Date(res.body.issued_at).getTime()).toBe(
      3 * 86_400_000,
    );
  });

  it('a suspended license: online says so at once; the file stays valid offline until its lifetime ends', async () => {
    const { license, file, jwks } = await issueFile('file-dev-5');
    const owner = await w.account.token('owner');
    await w.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: owner,
      body: { reason: 'unpaid' },
    });
    const check = await w.server.request('POST', '/api/v1/licensing/integrity-check', {
      body: { license_file: file },
    });
    expect(check.body).toMatchObject({
      genuine: true,
      valid: false,
      code: 'LICENSE_SUSPENDED',
      license_id: license.id,
    });
    const verified = await verifyLicenseFile(file, {
      jwks,
      now: new Date(w.clock.now().getTime() + 29 * 86_400_000),
    });
    expect(verified.license.id).toBe(license.id);
    const after = await verifyLicenseFile(file, {
      jwks,
      now: new Date(w.clock.now().getTime() + 31 * 86_400_000),
    }).catch((e) => e);
    expect(after.code).toBe('FILE_EXPIRED');
  });

  it('refuses bad activation requests with a clear 422 naming the field', async () => {
    const license = await issueLicense(w.server, w.account);
    const post = (request: unknown) =>
      w.server.request('POST', '/api/v1/licensing/offline/activate', { body: { request } });
    const good = {
      license_key: license.key,
      fingerprint: 'fp-x',
      nonce: 'abcdefgh12',
      created_at: w.clock.now().toISOString(),
    };
    const cases: Array<[unknown, string]> = [
      ['-----BEGIN KEYWARD ACTIVATION REQUEST-----\n!!!\n-----END KEYWARD ACTIVATION REQUEST-----', 'base64'],
      ['{"not json', 'neither'],
      [{ ...good, nonce: 'short' }, 'nonce'],
      [{ ...good, created_at: 'yesterday' }, 'created_at'],
      [{ ...good, created_at: new Date(w.clock.now().getTime() + 86_400_000).toISOString() }, 'future'],
      [
        { ...good, created_at: new Date(w.clock.now().getTime() - 40 * 86_400_000).toISOString() },
        'older than 30 days',
      ],
      [{ ...good, device_info: { nested: { a: { b: { c: 1 } } } } }, 'device_info'],
      [{ ...good, fingerprint: undefined }, 'fingerprint'],
    ];
    for (const [request, hint] of cases) {
      const res = await post(request);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.code).toBe('OFFLINE_REQUEST_INVALID');
      expect(res.body.error.message).toContain(hint);
    }
    const unknown = await post({ ...good, license_key: 'KW-0000-0000-0000-0000' });
    expect(unknown.body.error.code).toBe('LICENSE_NOT_FOUND');
    expect((await post(good)).status).toBe(200);
  });

  it('staff submissions are scoped to the account and the role', async () => {
    const license = await issueLicense(w.server, w.account);
    const { client } = w.client('file-dev-6');
    const request = await client.createActivationRequest(license.key);
    const readOnly = await w.server.request('POST', '/api/v1/offline/activate', {
      token: await w.account.token('read_only'),
      body: { request },
    });
    expect(readOnly.status).toBe(403);
    const { createTestAccount } = await import('../support/server.js');
    const stranger = await createTestAccount(w.server);
    const foreign = await w.server.request('POST', '/api/v1/offline/activate', {
      token: await stranger.token('owner'),
      body: { request },
    });
    expect(foreign.status).toBe(404);
    const seats = await w.server.ctx.db.sql`select 1 from activations where license_id = ${license.id}`;
    expect(seats).toHaveLength(0);
  });
});
