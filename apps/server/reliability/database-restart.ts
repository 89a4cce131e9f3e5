// 24: PostgreSQL stopped and started again under load, on a private cluster (never the shared server).
import postgres from 'postgres';
import { issue, poll, servers } from './harness.js';
import { privatePostgres } from './private-postgres.js';

type Phase = 'before' | 'down' | 'after';
/** A request that takes this long counts as a hang. */
const HANG_MS = 15_000;
const MAX_REQUESTS = 20_000;

interface Tally {
  ok: number;
  unavailable: number;
  /** Anything else: a 500, another status, a wrong error code, a broken body. */
  other: string[];
  hangs: number;
}

async function call(url: string, body: unknown) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const json = (await res.json().catch(() => null)) as any;
    return { status: res.status, body: json, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    return { status: (err as Error).name === 'TimeoutError' ? -1 : 0, body: null, retryAfter: null };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function databaseRestart(): Promise<{ pass: boolean; figures: string }> {
  const pg = await privatePostgres();
  const [server] = await servers(1, pg.url);
  const base = server!.url;
  const pid = server!.child.pid;
  // Kept to explain a failure: the server's last words and how it ended.
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d).slice(-600);
  };
  server!.child.stdout?.on('data', keep);
  server!.child.stderr?.on('data', keep);
  let ended = '';
  server!.child.once('exit', (code, signal) => {
    ended = `server exited (${code ?? signal})`;
  });
  const { license } = await issue(base, null);
  const tally: Record<Phase, Tally> = {
    before: { ok: 0, unavailable: 0, other: [], hangs: 0 },
    down: { ok: 0, unavailable: 0, other: [], hangs: 0 },
    after: { ok: 0, unavailable: 0, other: [], hangs: 0 },
  };
  const acknowledged = new Set<string>();
  let phase: Phase = 'before';
  let running = true;
  let sent = 0;
  let slowest = 0;

  // Bounded load: activate a new device, or validate the key, in turn, from 4 workers.
  const worker = async () => {
    while (running && sent < MAX_REQUESTS) {
      const n = sent++;
      const at = phase;
      const began = Date.now();
      const r =
        n % 2 === 0
          ? await call(`${base}/api/v1/licensing/activate`, {
              license_key: license.key,
              device_fingerprint: `fp-restart-${n}`,
              device_info: { device_id: `restart-${n}` },
            })
          : await call(`${base}/api/v1/licensing/validate-key`, { license_key: license.key });
      slowest = Math.max(slowest, Date.now() - began);
      const t = tally[at];
      if (r.status === 200) {
        t.ok++;
        if (r.body?.activation_id && n % 2 === 0) acknowledged.add(r.body.activation_id);
      } else if (r.status === 503 && r.body?.error?.code === 'DATABASE_UNAVAILABLE' && r.retryAfter) {
        t.unavailable++;
        await sleep(50); // a client backs off on Retry-After; keep the loop from spinning
      } else if (r.status === -1) t.hangs++;
      else t.other.push(`${r.status} ${r.body?.error?.code ?? ''}`.trim());
    }
  };
  const workers = Promise.all([0, 1, 2, 3].map(() => worker()));

  await sleep(1500);
  const stoppedAt = Date.now();
  phase = 'down';
  await pg.stop();
  const healthDown = await poll(async () => {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(HANG_MS) });
    const body = (await res.json()) as { database?: string };
    return res.status === 503 && body.database === 'down' ? (Date.now() - stoppedAt) / 1000 : undefined;
  }, 10_000);
  await sleep(3000);
  await pg.start();
  const startedAt = Date.now();
  phase = 'after';
  const recovered = await poll(async () => {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(HANG_MS) });
    await res.arrayBuffer();
    return res.status === 200 && tally.after.ok > 0 ? (Date.now() - startedAt) / 1000 : undefined;
  }, 30_000);
  await sleep(1500);
  running = false;
  await workers;

  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  let orphans = -1;
  let eventsWithoutRow = -1;
  let missing = -1;
  try {
    const [o] = await sql<{ n: number }[]>`
      select count(*)::int as n from activations a where not exists (
        select 1 from events e where e.type = 'activation.created' and e.subject_id = a.id::text)`;
    const [e] = await sql<{ n: number }[]>`
      select count(*)::int as n from events e where e.type = 'activation.created'
        and not exists (select 1 from activations a where a.id::text = e.subject_id)`;
    const present = await sql<
      { id: string }[]
    >`select id from activations where id = any(${[...acknowledged]})`;
    orphans = o!.n;
    eventsWithoutRow = e!.n;
    missing = acknowledged.size - present.length;
  } finally {
    await sql.end({ timeout: 5 });
  }
  const sameProcess = server!.child.exitCode === null && server!.child.pid === pid;
  const all = [tally.before, tally.down, tally.after];
  const others = all.flatMap((t) => t.other);
  const hangs = all.reduce((s, t) => s + t.hangs, 0);
  const pass =
    others.length === 0 &&
    hangs === 0 &&
    healthDown !== undefined &&
    tally.down.unavailable > 0 &&
    recovered !== undefined &&
    sameProcess &&
    orphans === 0 &&
    eventsWithoutRow === 0 &&
    missing === 0;
  const fmt = (t: Tally) => `${t.ok} ok / ${t.unavailable} 503`;
  const why = ended ? `; ${ended}: ${tail.replace(/\s+/g, ' ').slice(-300)}` : '';
  return {
    pass,
    figures:
      `requests ${sent} (before ${fmt(tally.before)}; down ${fmt(tally.down)}; after ${fmt(tally.after)}), ` +
      `other ${others.length}${others.length ? ` [${[...new Set(others)].slice(0, 4).join(', ')}]` : ''}, hangs ${hangs}, slowest ${(slowest / 1000).toFixed(1)} s, ` +
      `/health 503 down after ${healthDown?.toFixed(1) ?? 'never'} s, recovered ${recovered?.toFixed(1) ?? 'never'} s after start ` +
      `(same process: ${sameProcess}), acknowledged activations ${acknowledged.size} lost ${missing}, rows without event ${orphans}, events without row ${eventsWithoutRow}${why}`,
  };
}
