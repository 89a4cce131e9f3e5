// What each client operation costs PostgreSQL (and Redis): transactions, rows written, WAL bytes,
// round trips to Redis, connections held per process, and the bytes a license's rows take on disk.
// Counts, not times, so the figures do not move with this machine's speed (docs/scaling.md).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/db-costs.ts
//
//   DIR            the server directory to measure (another checkout's apps/server); default: this one
//   SEATS          seats activated, then validated and heartbeated once each (default 2000)
//   SEED_LICENSES  licenses bulk-seeded for the storage figures (default 50000; 0 skips them)
//   STORAGE_ONLY   set: only the storage figures
//
// One scratch database (dropped at the end) and one Keyward process at a time (`serve --workers 1`,
// the bench's environment): jobs off for the operation phases, so the job queue's polling does not land
// in them; then the same database with the job queue on (what an idle process costs, and its
// connections); then a process with REDIS_URL on a private redis-server (when one is installed).
// Transactions and rows are pg_stat_database / pg_stat_user_tables of the scratch database; WAL is
// pg_walinspect's records (read every 2 s) whose blocks belong to the scratch database, plus the commit
// records of their transactions (other databases on the server write WAL meanwhile and are left out).
// Each phase waits 12 s after its load: the usage recorder and sealer flush every second, and an idle
// backend reports its counters within 10 s. What the process does in that time with no load (measured
// first) is taken out.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { deriveKeyring, encryptAtRest } from '../src/crypto/master-key.js';
import { ADMIN, api, createLicenseKeys, login } from './api-client.js';
import { load } from './load.js';
import { benchServerEnv, freePort, type Proc, startProcess } from './processes.js';
import { seedScale, settle } from './seed-scale.js';

if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a PostgreSQL server');
const SEATS = Number(process.env.SEATS ?? 2000);
const SEED_LICENSES = Number(process.env.SEED_LICENSES ?? 50_000);
const SERVER_DIR = process.env.DIR;
const LICENSES = 200;
const SETTLE_MS = 12_000;
const IN_FLIGHT = 32;

const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
const database = `keyward_dbcost_${Date.now()}`;
const dbUrl = new URL(process.env.DATABASE_URL);
dbUrl.pathname = `/${database}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-dbcost-'));
const cleanups: Array<() => Promise<void>> = [];

interface Snapshot {
  at: number;
  lsn: string;
  wal: { records: number; bytes: number; fpi: number; byRel: Map<string, number> };
  walReads: number;
  xactCommit: number;
  xactRollback: number;
  tables: Map<string, { ins: number; upd: number; hot: number; del: number; bytes: number }>;
}

interface Cost {
  seconds: number;
  commits: number;
  rollbacks: number;
  walRecords: number;
  walBytes: number;
  fpiBytes: number;
  ins: number;
  upd: number;
  hot: number;
  del: number;
  perTable: Record<string, { ins: number; upd: number; hot: number; del: number; bytes: number }>;
  /** WAL bytes by table ("table" for its heap and TOAST, "table indexes" for its indexes). */
  walByTable: Record<string, number>;
  redisCommands?: Record<string, number>;
}

let sql: postgres.Sql; // the scratch database; each snapshot is one transaction of its own
let dbOid = 0;

/** relfilenode → the user table it belongs to (indexes and TOAST under their table). */
const relNames = new Map<string, string>();

async function snapshot(): Promise<Snapshot> {
  const rels = await sql<{ node: string; name: string }[]>`
    select c.relfilenode::text as node,
      case when c.relkind = 'i' then coalesce(t.relname, tt.relname, c.relname) || ' indexes'
        else coalesce(tt.relname, c.relname) end as name
    from pg_class c
    left join pg_index i on i.indexrelid = c.oid
    left join pg_class t on t.oid = i.indrelid and t.relkind <> 't'
    left join pg_class tt on tt.reltoastrelid = coalesce(i.indrelid, c.oid)
    where c.relnamespace in ('public'::regnamespace, 'pg_toast'::regnamespace) and c.relfilenode <> 0`;
  wal.queries++;
  for (const r of rels) relNames.set(r.node, r.name);
  await wal.read();
  const walNow = { records: wal.records, bytes: wal.bytes, fpi: wal.fpi, byRel: new Map(wal.byRel) };
  const walReads = wal.queries;
  const snap = await sql.begin(async (tx) => {
    await tx`select pg_stat_clear_snapshot()`;
    const [db] = await tx<{ c: string; r: string; lsn: string }[]>`
      select xact_commit::text as c, xact_rollback::text as r, pg_current_wal_lsn()::text as lsn
      from pg_stat_database where datname = current_database()`;
    const rows = await tx<
      { name: string; ins: string; upd: string; hot: string; del: string; bytes: string }[]
    >`select relname as name, n_tup_ins::text as ins, n_tup_upd::text as upd, n_tup_hot_upd::text as hot,
        n_tup_del::text as del, pg_total_relation_size(relid)::text as bytes
      from pg_stat_user_tables where schemaname = 'public'`;
    return {
      at: Date.now(),
      lsn: db!.lsn,
      xactCommit: Number(db!.c),
      xactRollback: Number(db!.r),
      tables: new Map(
        rows.map((r) => [
          r.name,
          {
            ins: Number(r.ins),
            upd: Number(r.upd),
            hot: Number(r.hot),
            del: Number(r.del),
            bytes: Number(r.bytes),
          },
        ]),
      ),
    };
  });
  return { ...(snap as Omit<Snapshot, 'wal' | 'walReads'>), wal: walNow, walReads };
}

/**
 * WAL of this database, read as it is written: every 2 s the records since the last read whose blocks
 * belong to the scratch database, and the commit records of their transactions. Read often because
 * the other databases on this server write a lot and a checkpoint recycles segments within a minute.
 */
class WalMeter {
  records = 0;
  bytes = 0;
  fpi = 0;
  /** WAL bytes by the relfilenode of each record's first block. */
  byRel = new Map<string, number>();
  /** Statements this meter ran on the scratch database (each counts as a transaction there). */
  queries = 0;
  private lsn = '';
  /** xids with records here in the last three reads: their commit may come in a later read. */
  private recent: string[][] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  async start() {
    this.lsn = (await sql<{ lsn: string }[]>`select pg_current_wal_flush_lsn()::text as lsn`)[0]!.lsn;
    this.timer = setInterval(() => void this.read().catch(() => {}), 2000);
  }

  stop() {
    clearInterval(this.timer);
  }

  read(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const [end] = await sql<{ lsn: string }[]>`select pg_current_wal_flush_lsn()::text as lsn`;
      this.queries++;
      if (end!.lsn === this.lsn) return;
      this.queries += 2;
      const mine = await sql<{ xid: string; rel: string; n: string; bytes: string; fpi: string }[]>`
        select xid::text, substring(block_ref from 'rel [0-9]+/[0-9]+/([0-9]+)') as rel, count(*)::text as n,
          sum(record_length)::text as bytes, sum(fpi_length)::text as fpi
        from pg_get_wal_records_info(${this.lsn}::pg_lsn, ${end!.lsn}::pg_lsn)
        where block_ref ~ ${`rel [0-9]+/${dbOid}/`} group by 1, 2`;
      const xids = [...new Set(mine.map((r) => r.xid).filter((x) => x !== '0'))];
      this.recent = [...this.recent.slice(-2), xids];
      const known = this.recent.flat();
      const [commits] = await sql<{ n: string; bytes: string }[]>`
        select count(*)::text as n, coalesce(sum(record_length), 0)::text as bytes
        from pg_get_wal_records_info(${this.lsn}::pg_lsn, ${end!.lsn}::pg_lsn)
        where resource_manager = 'Transaction' and xid::text = any(${known}::text[])`;
      for (const r of mine) {
        this.records += Number(r.n);
        this.bytes += Number(r.bytes);
        this.fpi += Number(r.fpi);
        this.byRel.set(r.rel, (this.byRel.get(r.rel) ?? 0) + Number(r.bytes));
      }
      this.records += Number(commits!.n);
      this.bytes += Number(commits!.bytes);
      this.lsn = end!.lsn;
    });
    return this.chain;
  }
}
let wal: WalMeter;

function costBetween(a: Snapshot, b: Snapshot): Cost {
  const w = {
    records: b.wal.records - a.wal.records,
    bytes: b.wal.bytes - a.wal.bytes,
    fpi: b.wal.fpi - a.wal.fpi,
  };
  const perTable: Cost['perTable'] = {};
  let ins = 0;
  let upd = 0;
  let hot = 0;
  let del = 0;
  for (const [name, t] of b.tables) {
    const s = a.tables.get(name) ?? { ins: 0, upd: 0, hot: 0, del: 0, bytes: 0 };
    const d = {
      ins: t.ins - s.ins,
      upd: t.upd - s.upd,
      hot: t.hot - s.hot,
      del: t.del - s.del,
      bytes: t.bytes - s.bytes,
    };
    ins += d.ins;
    upd += d.upd;
    hot += d.hot;
    del += d.del;
    if (d.ins || d.upd || d.del || d.bytes) perTable[name] = d;
  }
  const walByTable: Record<string, number> = {};
  for (const [rel, bytes] of b.wal.byRel) {
    const d = bytes - (a.wal.byRel.get(rel) ?? 0);
    if (d === 0) continue;
    const name = relNames.get(rel) ?? 'other (catalogs, free space maps)';
    walByTable[name] = (walByTable[name] ?? 0) + d;
  }
  return {
    walByTable,
    seconds: (b.at - a.at) / 1000,
    // The snapshot that ends the window and the WAL reads in it are this script's own transactions.
    commits: b.xactCommit - a.xactCommit - 1 - (b.walReads - a.walReads),
    rollbacks: b.xactRollback - a.xactRollback,
    walRecords: w.records,
    walBytes: w.bytes,
    fpiBytes: w.fpi,
    ins,
    upd,
    hot,
    del,
    perTable,
  };
}

/**
 * Waits until what was just done is flushed and counted: backends report their counters at most once a
 * second and an idle one within 10 s, so work done just before a window would otherwise be counted in it.
 */
const settleDown = () => new Promise((r) => setTimeout(r, SETTLE_MS));

/** Background of a process doing nothing (per second), taken out of every phase. */
let idlePerSecond: Cost | undefined;

const results: Array<{ phase: string; ops: number; cost: Cost }> = [];

async function phase(name: string, ops: number, work: () => Promise<unknown>, redis?: Redis) {
  const before = await snapshot();
  const redisBefore = redis ? await commandStats(redis) : undefined;
  await work();
  await settleDown();
  const cost = costBetween(before, await snapshot());
  if (redis && redisBefore) {
    const after = await commandStats(redis);
    cost.redisCommands = Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - (redisBefore[k] ?? 0)] as const)
        .filter(([k, v]) => v > 0 && k !== 'info'),
    );
  }
  const net = idlePerSecond ? minusIdle(cost, idlePerSecond) : cost;
  results.push({ phase: name, ops, cost: net });
  print(name, ops, net);
}

function minusIdle(c: Cost, idle: Cost): Cost {
  const k = c.seconds;
  return {
    ...c,
    commits: c.commits - idle.commits * k,
    rollbacks: c.rollbacks - idle.rollbacks * k,
    walRecords: c.walRecords - idle.walRecords * k,
    walBytes: c.walBytes - idle.walBytes * k,
    fpiBytes: c.fpiBytes - idle.fpiBytes * k,
  };
}

function perSecond(c: Cost): Cost {
  const k = c.seconds;
  return {
    ...c,
    seconds: 1,
    commits: c.commits / k,
    rollbacks: c.rollbacks / k,
    walRecords: c.walRecords / k,
    walBytes: c.walBytes / k,
    fpiBytes: c.fpiBytes / k,
    ins: c.ins / k,
    upd: c.upd / k,
    hot: c.hot / k,
    del: c.del / k,
    walByTable: Object.fromEntries(Object.entries(c.walByTable).map(([t, b]) => [t, b / k])),
    perTable: Object.fromEntries(
      Object.entries(c.perTable).map(([t, d]) => [
        t,
        { ins: d.ins / k, upd: d.upd / k, hot: d.hot / k, del: d.del / k, bytes: d.bytes / k },
      ]),
    ),
  };
}

const f = (n: number, digits = 2) => (Math.round(n * 10 ** digits) / 10 ** digits).toString();

function print(name: string, ops: number, c: Cost) {
  const per = (n: number) => f(n / ops);
  console.log(
    `\n${name}: ${ops} ops in a ${f(c.seconds, 1)} s window (idle background taken out)\n` +
      `  per op: ${per(c.commits)} commits (${per(c.rollbacks)} rollbacks), ${per(c.ins)} rows inserted, ` +
      `${per(c.upd)} updated (${per(c.hot)} HOT), ${per(c.del)} deleted; ` +
      `WAL ${f(c.walBytes / ops, 0)} B in ${per(c.walRecords)} records, of which full-page images ${f(c.fpiBytes / ops, 0)} B ` +
      `(without them ${f((c.walBytes - c.fpiBytes) / ops, 0)} B)`,
  );
  for (const [t, d] of Object.entries(c.perTable))
    console.log(
      `    ${t.padEnd(22)} +${per(d.ins)} ins, ${per(d.upd)} upd (${per(d.hot)} HOT), ${per(d.del)} del, ${f(d.bytes / ops, 0)} B on disk`,
    );
  const walTables = Object.entries(c.walByTable).sort((x, y) => y[1] - x[1]);
  if (walTables.length)
    console.log(`  WAL per op by table: ${walTables.map(([t, b]) => `${t} ${f(b / ops, 0)} B`).join(', ')}`);
  if (c.redisCommands)
    console.log(
      `  Redis per op: ${Object.entries(c.redisCommands)
        .map(([k, v]) => `${k} ${per(v)}`)
        .join(', ')}`,
    );
}

async function commandStats(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Runs `n` calls, `IN_FLIGHT` at a time (set-up and activations, whose answers the phases need). */
async function pool<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

async function connectionsOf(): Promise<Array<{ app: string; kind: string; n: number }>> {
  return admin<{ app: string; kind: string; n: number }[]>`
    select application_name as app,
      case when query ilike 'listen%' then 'LISTEN' else 'pool' end as kind, count(*)::int as n
    from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()
      and backend_type = 'client backend' and application_name <> 'keyward-dbcost'
    group by 1, 2 order by 1, 2`;
}

async function startServer(extra: Record<string, string>): Promise<Proc> {
  const env = { ...benchServerEnv(dataDir), DATABASE_URL: dbUrl.toString(), ...extra };
  const p = await startProcess('src/cli/index.ts', ['serve'], env, '/health', SERVER_DIR);
  cleanups.unshift(() => p.stop());
  return p;
}

async function startRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const ok = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    setTimeout(() => resolve(child.exitCode === null), 500);
  });
  if (!ok) return undefined;
  cleanups.unshift(async () => {
    child.kill('SIGTERM');
  });
  return { url: `redis://127.0.0.1:${port}/0`, child };
}

type Seat = { token: string; device_id: string };

async function activateSeats(url: string, keys: string[], label: string, n: number): Promise<Seat[]> {
  return pool(n, async (i) => {
    const device = `dev-${label}-${i}`;
    const a = await api(url, null, 'POST', '/api/v1/licensing/activate', {
      license_key: keys[i % keys.length],
      device_fingerprint: `fp-${label}-${i}`,
      device_info: { device_id: device, platform: 'linux', app_version: '1.0.0' },
    });
    return { token: a.signed_token as string, device_id: device };
  });
}

/** Each seat once, 32 connections (autocannon), every answer a 2xx or the phase fails. */
async function eachOnce(url: string, route: string, bodies: unknown[], headers?: Record<string, string>) {
  const r = await load({
    url: `${url}${route}`,
    seconds: 60,
    amount: bodies.length,
    bodyFor: (i) => bodies[i % bodies.length],
    ...(headers ? { headers } : {}),
  });
  if (r.non2xx || r.errors) throw new Error(`${route}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r;
}

async function main() {
  await admin.unsafe(`create database ${database}`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists ${database} with (force)`).catch(() => {});
  });
  sql = postgres(dbUrl.toString(), {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'keyward-dbcost' },
  });
  cleanups.unshift(() => sql.end({ timeout: 5 }));
  await sql`create extension if not exists pg_walinspect`;
  dbOid = Number(
    (await sql<{ oid: number }[]>`select oid from pg_database where datname = current_database()`)[0]!.oid,
  );
  wal = new WalMeter();
  await wal.start();
  cleanups.unshift(async () => wal.stop());

  // ── Operations, PostgreSQL only (no REDIS_URL), job queue off ──
  const a = await startServer({ KEYWARD_JOBS: 'off' });
  const token = await login(a.url);
  await api(a.url, token, 'POST', '/api/v1/demo-data', {});
  const plans = await api(a.url, token, 'GET', '/api/v1/plans?limit=100');
  const planOf = (code: string) => plans.data.find((p: { code: string }) => p.code === code);
  const customer = await api(a.url, token, 'POST', '/api/v1/customers', { email: 'dbcost@example.com' });
  const keys = await createLicenseKeys(
    a.url,
    token,
    { plan_id: planOf('enterprise').id, customer_id: customer.id, max_activations: null },
    LICENSES,
  );
  const metered = await createLicenseKeys(
    a.url,
    token,
    { plan_id: planOf('professional').id, customer_id: customer.id, max_activations: null },
    LICENSES,
  );
  const floatingKeys = await createLicenseKeys(
    a.url,
    token,
    {
      plan_id: planOf('enterprise').id,
      customer_id: customer.id,
      max_activations: null,
      policy: { seat_unit: 'leases', heartbeat_required: true },
    },
    20,
  );
  const apiKey = (await api(a.url, token, 'POST', '/api/v1/api-keys', { name: 'dbcost', role: 'developer' }))
    .secret as string;
  const auth = { authorization: `Bearer ${apiKey}` };
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // set-up's writes flushed and sealed
  if (process.env.STORAGE_ONLY) {
    await a.stop();
    return storage();
  }

  const idleStart = await snapshot();
  await new Promise((r) => setTimeout(r, 20_000));
  idlePerSecond = perSecond(costBetween(idleStart, await snapshot()));
  print('idle process, job queue off (per second)', 1, idlePerSecond);

  let seats: Seat[] = [];
  await phase('activate (new device, 200 licenses, 32 in flight)', SEATS, async () => {
    seats = await activateSeats(a.url, keys, 'n', SEATS);
  });
  await phase('validate, first of each seat (snapshot not cached)', SEATS, () =>
    eachOnce(a.url, '/api/v1/licensing/validate', seats),
  );
  await phase('validate, each seat again (cached, a new flush second)', SEATS, () =>
    eachOnce(a.url, '/api/v1/licensing/validate', seats),
  );
  let sameSeat = 0;
  await phase('validate, one seat repeated for 10 s (B1 shape; per op)', 1, async () => {
    const r = await load({ url: `${a.url}/api/v1/licensing/validate`, body: seats[0], seconds: 10 });
    sameSeat = r.total;
  });
  console.log(`  (${sameSeat} validations in those 10 s: divide by them for per-validation figures)`);
  await phase('heartbeat, node-locked seat, each seat once', SEATS, () =>
    eachOnce(a.url, '/api/v1/licensing/heartbeat', seats),
  );
  let leases: Seat[] = [];
  const leaseCount = Math.min(SEATS, 1000);
  await phase('activate, floating license (lease), 20 licenses', leaseCount, async () => {
    leases = await activateSeats(a.url, floatingKeys, 'f', leaseCount);
  });
  // Their snapshots loaded first (a validation each, not measured): the renewal's own cost, as the
  // node-locked heartbeat above ran on cached seats.
  await eachOnce(a.url, '/api/v1/licensing/validate', leases);
  await settleDown();
  await phase('heartbeat, floating seat (lease renewal), each once', leaseCount, () =>
    eachOnce(a.url, '/api/v1/licensing/heartbeat', leases),
  );
  // Entitlement checks by license key (what @keyward/enforce sends on a cache miss), with a
  // `developer` API key: the license cache (60 s TTL) first cold, then warm.
  const check = (ks: string[], times: number, extra: Record<string, unknown>) =>
    Array.from({ length: ks.length * times }, (_, i) => ({ license_key: ks[i % ks.length], ...extra }));
  const boolean = { feature: 'advanced_reporting' };
  await phase('entitlement check, boolean feature, license not cached (first in 60 s)', LICENSES, () =>
    eachOnce(a.url, '/api/v1/entitlements/check', check(keys, 1, boolean), auth),
  );
  await phase('entitlement check, boolean feature, license cached (B4 shape)', LICENSES * 10, () =>
    eachOnce(a.url, '/api/v1/entitlements/check', check(keys, 10, boolean), auth),
  );
  const meter = { feature: 'api_access' };
  await eachOnce(a.url, '/api/v1/entitlements/check', check(metered, 1, meter), auth); // cache warm
  await settleDown();
  await phase('entitlement check, metered feature, no consume (PostgreSQL counters)', LICENSES * 10, () =>
    eachOnce(a.url, '/api/v1/entitlements/check', check(metered, 10, meter), auth),
  );
  await phase('entitlement check with consume 1 (PostgreSQL counters)', LICENSES * 10, () =>
    eachOnce(a.url, '/api/v1/entitlements/check', check(metered, 10, { ...meter, consume: 1 }), auth),
  );
  console.log('\nconnections of one process, job queue off, after the loads:', await connectionsOf());
  await a.stop();

  // ── The same database with the job queue on (the default): an idle process's cost and connections ──
  const c = await startServer({});
  await new Promise((r) => setTimeout(r, 5000));
  const cStart = await snapshot();
  await new Promise((r) => setTimeout(r, 60_000));
  const idleJobs = perSecond(costBetween(cStart, await snapshot()));
  print('idle process, job queue on (default), over 60 s (per second)', 1, idleJobs);
  console.log('connections of one idle process, job queue on:', await connectionsOf());
  await c.stop();

  // ── With Redis (rate limits and quota counters there) ──
  const r = await startRedis();
  if (!r) console.log('\nredis-server not available: the Redis phases are skipped');
  else {
    const b = await startServer({ KEYWARD_JOBS: 'off', REDIS_URL: r.url });
    const redis = new Redis(r.url, { lazyConnect: false });
    cleanups.unshift(async () => {
      redis.disconnect();
    });
    // Its idle background is taken to be the first process's (the same settings but REDIS_URL); its
    // start-up's writes are given time to be counted first.
    await settleDown();
    await settleDown();
    const seatsB = seats.slice(0, Math.min(SEATS, 1000));
    await phase(
      'Redis: validate, each seat once (snapshot not cached)',
      seatsB.length,
      () => eachOnce(b.url, '/api/v1/licensing/validate', seatsB),
      redis,
    );
    await eachOnce(b.url, '/api/v1/entitlements/check', check(metered, 1, meter), auth); // cache warm
    await settleDown();
    await phase(
      'Redis: entitlement check with consume 1 (Redis counters)',
      LICENSES * 10,
      () => eachOnce(b.url, '/api/v1/entitlements/check', check(metered, 10, { ...meter, consume: 1 }), auth),
      redis,
    );
    await phase(
      'Redis: validate, one seat repeated for 10 s (per op)',
      1,
      async () => {
        const r = await load({ url: `${b.url}/api/v1/licensing/validate`, body: seatsB[0], seconds: 10 });
        sameSeat = r.total;
      },
      redis,
    );
    console.log(`  (${sameSeat} validations in those 10 s)`);
    console.log('\nconnections of one process with REDIS_URL, job queue off:', await connectionsOf());
    await b.stop();
  }

  await storage();
}

/** Bytes a license's row set takes: SEED_LICENSES bulk-seeded licenses (seed-scale.ts), sizes before and after. */
async function storage() {
  // ── Storage: bytes per license's row set ──
  if (SEED_LICENSES > 0) {
    const [owner] = await sql<{ account_id: string }[]>`
      select account_id from users where lower(email) = ${ADMIN.email}`;
    const keyEnc = encryptAtRest(
      deriveKeyring(Buffer.from(benchServerEnv(dataDir).KEYWARD_MASTER_KEY!, 'utf8')),
      'BULK0-SEED0-00000-00000-00000',
    );
    const seedSql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });
    cleanups.unshift(() => seedSql.end({ timeout: 5 }));
    await settle(seedSql);
    const sizes = async () =>
      new Map(
        (
          await seedSql<{ name: string; heap: string; idx: string; total: string; rows: string }[]>`
            select relname as name, pg_table_size(relid)::text as heap, pg_indexes_size(relid)::text as idx,
              pg_total_relation_size(relid)::text as total, n_live_tup::text as rows
            from pg_stat_user_tables where schemaname = 'public'`
        ).map((x) => [x.name, { heap: Number(x.heap), idx: Number(x.idx), total: Number(x.total) }]),
      );
    const s0 = await sizes();
    const t0 = Date.now();
    const seed = await seedScale(seedSql, {
      accountId: owner!.account_id,
      from: 0,
      to: SEED_LICENSES,
      keyEnc,
      connections: 2,
    });
    await settle(seedSql);
    const s1 = await sizes();
    console.log(
      `\nstorage: ${seed.licenses} licenses, ${seed.activations} seats, ${seed.usage} usage rows, ` +
        `${seed.customers} customers + subscriptions seeded in ${Math.round((Date.now() - t0) / 1000)} s ` +
        '(indexes kept, then vacuum analyze); bytes per seeded license (table incl. TOAST / indexes / total):',
    );
    let total = 0;
    for (const [name, after] of s1) {
      const before = s0.get(name) ?? { heap: 0, idx: 0, total: 0 };
      const d = after.total - before.total;
      if (d <= 8192 * 4) continue;
      total += d;
      console.log(
        `    ${name.padEnd(22)} ${f((after.heap - before.heap) / seed.licenses, 0)} / ${f((after.idx - before.idx) / seed.licenses, 0)} / ${f(d / seed.licenses, 0)} B`,
      );
    }
    console.log(`    all seeded tables: ${f(total / seed.licenses, 0)} B per license`);
    // Live row widths: the table sizes above also hold the space of rows updated while seeding (the
    // seat-count trigger updates each license), which vacuum frees for reuse but does not give back.
    for (const t of ['licenses', 'activations', 'usage_events', 'customers', 'subscriptions'])
      console.log(
        `    ${t}: average live row ${(await seedSql.unsafe(`select avg(pg_column_size(x.*))::int as w from ${t} x`))[0]!.w} B`,
      );
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const c of cleanups) await c().catch(() => {});
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });
