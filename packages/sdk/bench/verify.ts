// performance.md B5: SDK offline verification vs raw node:crypto Ed25519 verify, in the same run.
// Alternating one-second rounds of each; prints one JSON line (the last line) for bench/run.ts.
import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { formatLicenseFile } from '../../../apps/server/src/offline/license-file.js';
import { type PublicJwk, verifyLicenseFile, verifyLicenseToken } from '../src/index.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const kid = 'bench-key';
const jwks = {
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' } as PublicJwk],
};
const now = new Date();

// A realistic file: a license with a dozen features, the device binding and emergency commitments.
const payload = {
  v: 1,
  typ: 'keyward.license-file' as const,
  alg: 'EdDSA',
  kid,
  iss: 'https://licensing.example.com',
  issued_at: now.toISOString(),
  expires_at: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
  encryption: 'none' as const,
  license_id: randomUUID(),
  activation_id: randomUUID(),
  license: {
    license: { id: randomUUID(), tier: 'professional', expires_at: null, grace_period_days: 7 },
    features: Array.from({ length: 12 }, (_, i) => ({
      feature_id: `feature_${i}`,
      enabled: true,
      limit_value: 1000,
    })),
    limits: { max_users: 25, max_projects: 100 },
    device: { activation_id: randomUUID(), device_id: 'device', fingerprint: 'f'.repeat(64) },
    emc: Array.from({ length: 8 }, () => 'AAAAAAAAAAAAAAAA'),
  },
};
const bytes = Buffer.from(JSON.stringify(payload));
const signature = sign(null, bytes, privateKey);
const file = formatLicenseFile(bytes, signature, payload);

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64({ aud: 'keyward:license', iat: Math.floor(now.getTime() / 1000), exp: Math.floor(now.getTime() / 1000) + 3600, license_id: 'l', features: ['a', 'b'] })}`;
const token = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;

async function rate(fn: () => unknown): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    await fn();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const raw: number[] = [];
const sdkFile: number[] = [];
const sdkToken: number[] = [];
await verifyLicenseFile(file, { jwks, now }); // warm up (imports the key once)
for (let r = 0; r < ROUNDS; r++) {
  raw.push(await rate(() => verify(null, bytes, publicKey, signature)));
  sdkFile.push(await rate(() => verifyLicenseFile(file, { jwks, now })));
  sdkToken.push(await rate(() => verifyLicenseToken(token, { jwks, now })));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out = {
  figure: 'B5',
  raw_verify_per_second: Math.round(median(raw)),
  sdk_license_file_per_second: Math.round(median(sdkFile)),
  sdk_token_per_second: Math.round(median(sdkToken)),
  license_file_ratio: Math.round((median(sdkFile) / median(raw)) * 100) / 100,
  token_ratio: Math.round((median(sdkToken) / median(raw)) * 100) / 100,
};
console.log(JSON.stringify(out));
