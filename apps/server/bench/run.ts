// npm run bench [-- --quick]: every figure next to its baseline, measured in one run (performance.md).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import postgres from 'postgres';
import { load } from './load.js';
import { type Proc, startProcess } from './processes.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 5 : 15;
const ADMIN = { email: 'bench@keyward.local', password: 'bench-password-0123456789' };
const RESULTS = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const ENFORCE_BENCH = fileURLToPath(
  new URL('../../../packages/enforce/bench/cached-check.ts', import.meta.url),
);
const SDK_BENCH = fileURLToPath(new URL('../../../packages/sdk/bench/verify.ts', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Gzip size (KiB) of the scripts and styles admin.html loads first. */
function webWeight(): number | null {
  if (!existsSync(`${WEB_DIST}admin.html`)) return null;
  const html = readFileSync(`${WEB_DIST}admin.html`, 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const bytes = assets.reduce((sum, a) => sum + gzipSync(readFileSync(WEB_DIST + a)).length, 0);
  return Math.round((bytes / 1024) * 10) / 10;
}

interface Figure {
  id: string;
  name: string;
  value: string;
  baseline: string;
  ratio: number | null;
  goal: string;
  pass: boolean | null;
  note?: string;
}
const figures: Figure[] = [];
const started: Proc[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function api(base: string, token: string | null, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A database for this run: a fresh PostgreSQL database when DATABASE_URL is set, else a temp data dir. */
async function prepareDatabase(): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    KEYWARD_DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    KEYWARD_MASTER_KEY: 'bench-master-key-bench-master-key-0123456789',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    NODE_ENV: 'production',
  };
  if (process.env.DATABASE_URL) {
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    const name = `keyward_bench_${Date.now()}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    });
  }
  return env;
}

function record(f: Figure) {
  figures.push(f);
  const ratio = f.ratio === null ? '' : ` (${f.ratio.toFixed(2)}×)`;
  console.log(
    `${f.id.padEnd(4)} ${f.name.padEnd(40)} ${f.value.padEnd(24)} vs ${f.baseline.padEnd(22)}${ratio.padEnd(10)} goal ${f.goal} ${f.pass === null ? '' : f.pass ? 'PASS' : 'FAIL'}`,
  );
}

async function main() {
  console.log(
    `Keyward bench (${quick ? 'quick' : 'full'}, ${SECONDS}s per load, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`,
  );
  const env = await prepareDatabase();
  const bare = await startProcess('bench/bare-server.ts', [], {}, '/');
  started.push(bare);
  const server = await startProcess('src/cli/index.ts', ['serve'], env, '/health');
  started.push(server);

  // Data: a license without a seat limit and one activated device.
  const session = await api(server.url, null, 'POST', '/api/v1/auth/login', ADMIN);
  const token = session.access_token as string;
  const plans = await api(server.url, token, 'GET', '/api/v1/plans?limit=100');
  const plan = plans.data.find((p: { code: string }) => p.code === 'enterprise') ?? plans.data[0];
  const customer = await api(server.url, token, 'POST', '/api/v1/customers', { email: 'bench@example.com' });
  const license = await api(server.url, token, 'POST', '/api/v1/licenses', {
    plan_id: plan.id,
    customer_id: customer.id,
    max_activations: null,
  });
  const act = await api(server.url, null, 'POST', '/api/v1/licensing/activate', {
    license_key: license.key,
    device_fingerprint: 'bench-fp',
    device_info: { device_id: 'bench-device', platform: 'linux', app_version: '1.0.0' },
  });
  const validateBody = { token: act.signed_token, device_id: 'bench-device' };

  // Warm both up so JIT and caches are in the same state.
  await load({ url: `${bare.url}/echo`, body: validateBody, seconds: 2 });
  await load({ url: `${server.url}/api/v1/licensing/validate`, body: validateBody, seconds: 2 });

  const bareRun = await load({ url: `${bare.url}/echo`, body: validateBody, seconds: SECONDS });
  const validate = await load({
    url: `${server.url}/api/v1/licensing/validate`,
    body: validateBody,
    seconds: SECONDS,
  });
  const r1 = validate.rps / bareRun.rps;
  record({
    id: 'B1',
    name: 'validate throughput (1 process)',
    value: `${validate.rps} req/s`,
    baseline: `bare ${bareRun.rps} req/s`,
    ratio: r1,
    goal: '≥ 0.5×',
    pass: r1 >= 0.5,
    note: `errors ${validate.errors}, non-2xx ${validate.non2xx}`,
  });

  const half = Math.max(100, Math.round(validate.rps / 2));
  const lat = await load({
    url: `${server.url}/api/v1/licensing/validate`,
    body: validateBody,
    seconds: SECONDS,
    rate: half,
  });
  record({
    id: 'B2',
    name: `validate latency at ${half} req/s`,
    value: `p50 ${lat.p50} ms, p99 ${lat.p99} ms`,
    baseline: '—',
    ratio: null,
    goal: 'p99 ≤ 10 ms',
    pass: lat.p99 <= 10,
  });

  // Distinct devices spread over many licenses, as in real traffic (one license's seats serialise on its row lock).
  const keys: string[] = [];
  for (let i = 0; i < 200; i++) {
    const lic = await api(server.url, token, 'POST', '/api/v1/licenses', {
      plan_id: plan.id,
      customer_id: customer.id,
      max_activations: null,
    });
    keys.push(lic.key);
  }
  const runId = Date.now().toString(36);
  const activation = await load({
    url: `${server.url}/api/v1/licensing/activate`,
    seconds: SECONDS,
    bodyFor: (i) => ({
      license_key: keys[i % keys.length],
      device_fingerprint: `fp-${runId}-${i}`,
      device_info: { device_id: `dev-${runId}-${i}`, platform: 'linux', app_version: '1.0.0' },
    }),
  });
  const r3 = activation.rps / bareRun.rps;
  record({
    id: 'B3',
    name: 'activation throughput (distinct devices)',
    value: `${activation.rps} req/s`,
    baseline: `bare ${bareRun.rps} req/s`,
    ratio: r3,
    goal: '≥ 0.15×',
    pass: r3 >= 0.15,
    note: `p50 ${activation.p50} ms, p99 ${activation.p99} ms, non-2xx ${activation.non2xx}`,
  });

  // B4: entitlement check over HTTP with an API key (what @keyward/enforce does on a cache miss).
  const apiKey = (
    await api(server.url, token, 'POST', '/api/v1/api-keys', { name: 'bench', role: 'read_only' })
  ).secret as string;
  const checkBody = { license_key: license.key, feature: 'advanced_reporting' };
  await load({
    url: `${server.url}/api/v1/entitlements/check`,
    body: checkBody,
    seconds: 2,
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const check = await load({
    url: `${server.url}/api/v1/entitlements/check`,
    body: checkBody,
    seconds: SECONDS,
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const r4 = check.rps / bareRun.rps;
  record({
    id: 'B4',
    name: 'entitlement check over HTTP',
    value: `${check.rps} req/s`,
    baseline: `bare ${bareRun.rps} req/s`,
    ratio: r4,
    goal: '≥ 0.5×',
    pass: r4 >= 0.5,
    note: `non-2xx ${check.non2xx}`,
  });
  const inProcess = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', ENFORCE_BENCH], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  ) as { checks_per_second: number };
  record({
    id: 'B4',
    name: 'middleware cached check, in-process',
    value: `${inProcess.checks_per_second} checks/s`,
    baseline: '—',
    ratio: null,
    goal: '≥ 500k/s',
    pass: inProcess.checks_per_second >= 500_000,
  });
  // B5: the SDK verifying a license file and a token offline, against raw node:crypto Ed25519 verify.
  const sdk = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', SDK_BENCH, ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!,
  ) as {
    raw_verify_per_second: number;
    sdk_license_file_per_second: number;
    sdk_token_per_second: number;
    license_file_ratio: number;
    token_ratio: number;
  };
  record({
    id: 'B5',
    name: 'SDK offline verification (license file)',
    value: `${sdk.sdk_license_file_per_second} verifies/s`,
    baseline: `crypto.verify ${sdk.raw_verify_per_second}/s`,
    ratio: sdk.license_file_ratio,
    goal: '≥ 0.8×',
    pass: sdk.license_file_ratio >= 0.8,
  });
  record({
    id: 'B5',
    name: 'SDK offline verification (token)',
    value: `${sdk.sdk_token_per_second} verifies/s`,
    baseline: `crypto.verify ${sdk.raw_verify_per_second}/s`,
    ratio: sdk.token_ratio,
    goal: '≥ 0.8×',
    pass: sdk.token_ratio >= 0.8,
  });
  record({
    id: 'B6',
    name: 'validate/activate p50 at 1k vs 1M licenses',
    value: 'not measured',
    baseline: '1k licenses',
    ratio: null,
    goal: '≤ 1.5×',
    pass: null,
    note: 'bulk seeding of 1M licenses is not built yet (issue F)',
  });
  record({
    id: 'B7',
    name: 'analytics at 1M licenses',
    value: 'not measured',
    baseline: '—',
    ratio: null,
    goal: '≤ 500 ms',
    pass: null,
    note: 'analytics endpoints and 1M seeding are not built yet (issues E, F)',
  });
  record({
    id: 'B11',
    name: 'validate with 2 processes vs 1',
    value: 'not measured',
    baseline: '1 process',
    ratio: null,
    goal: '≥ 1.6×',
    pass: null,
    note: 'not built yet (issue F)',
  });

  record({
    id: 'B8',
    name: 'server RSS after the loads',
    value: `${server.rssMb()} MB`,
    baseline: '—',
    ratio: null,
    goal: env.DATABASE_URL ? '≤ 200 MB' : '≤ 450 MB',
    pass: server.rssMb() <= (env.DATABASE_URL ? 200 : 450),
  });

  // B9: start-up on the existing data directory (or database) that this run created.
  await server.stop();
  started.splice(started.indexOf(server), 1);
  const t0 = Date.now();
  const again = await startProcess('src/cli/index.ts', ['serve'], env, '/health');
  started.push(again);
  const startupMs = Date.now() - t0;
  record({
    id: 'B9',
    name: 'start-up to /health 200 (existing data)',
    value: `${startupMs} ms`,
    baseline: '—',
    ratio: null,
    goal: '≤ 2000 ms',
    pass: startupMs <= 2000,
    note: 'includes Node + tsx start',
  });

  // B10: what a browser downloads first for the dashboard.
  const web = webWeight();
  record({
    id: 'B10',
    name: 'dashboard initial JS + CSS (gzip)',
    value: web === null ? 'not built' : `${web} KiB`,
    baseline: '—',
    ratio: null,
    goal: '≤ 250 KiB',
    pass: web === null ? null : web <= 250,
  });

  mkdirSync(RESULTS, { recursive: true });
  const out = {
    at: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    database: env.DATABASE_URL ? 'postgres' : 'embedded',
    seconds: SECONDS,
    figures,
  };
  writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote bench/results/latest.json`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const p of started.reverse()) await p.stop();
    for (const c of cleanups) await c();
  });
