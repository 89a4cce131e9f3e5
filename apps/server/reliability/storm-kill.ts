// 4: a storm of activate / deactivate / validate from bounded workers through two processes; one is killed
// with SIGKILL mid-way and a replacement started while the storm goes on. Checked during the storm (seat
// counts polled from PostgreSQL) and after it, straight from PostgreSQL: active ≤ max for every license,
// every acknowledged activation present and active unless later deactivated, every acknowledged
// deactivation not active, one live seat per device; the replacement answers `valid` for the held seats.
import postgres from 'postgres';
import { freshDatabase, issue, quick, servers } from './harness.js';

const LICENSES = 4;
const MAX = 3;
const WORKERS = quick ? 8 : 12;
/** Each device belongs to one worker (its requests are sequential, so the client knows its state). */
const DEVICES_PER_WORKER = 3;
/** The bound on every worker loop; the storm normally ends on time well before it. */
const MAX_ITERATIONS = quick ? 1500 : 6000;
/** The kill comes this long after the storm starts, once this many requests went out (freshly started
 * processes answer slowly at first), or at the latest after KILL_LATEST_MS. */
const KILL_AFTER_MS = quick ? 700 : 2500;
const KILL_AFTER_REQUESTS = quick ? 250 : 1200;
const KILL_LATEST_MS = 15_000;
/** How long the storm goes on once the replacement process answers. */
const AFTER_RESTART_MS = quick ? 1200 : 4000;
/** A pause of up to this between a worker's requests (2 cores: the load stays modest). */
const THINK_MS = 12;
/** A request that takes this long counts as a hang. */
const HANG_MS = 15_000;
/** Every process the tokens travel between has the same issuer. */
const ENV = { PUBLIC_URL: 'http://keyward.reliability.local' };

type Phase = 'before' | 'down' | 'after';
interface Reply {
  /** HTTP status; 0: no answer (connection refused, reset or cut by the kill); -1: hang. */
  status: number;
  body: any;
  refused: boolean;
}
interface Seat {
  id: string;
  token: string;
}
interface Device {
  id: string;
  key: string;
  licenseId: string;
  /** none: known to hold no seat; held: known to hold `seat`; unknown: a request's outcome is unknown. */
  state: 'none' | 'held' | 'unknown';
  /** The latest acknowledged seat (held, or unknown after a cut deactivation). */
  seat: Seat | null;
}
/** What must hold for an acknowledged activation after the restart. */
type Expect = 'active' | 'inactive' | 'either';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator, so a failing run's choices can be replayed (timing aside). */
function generator(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function post(base: string, path: string, body: unknown): Promise<Reply> {
  try {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    return { status: res.status, body: await res.json().catch(() => null), refused: false };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { status: -1, body: null, refused: false };
    return { status: 0, body: null, refused: e.cause?.code === 'ECONNREFUSED' };
  }
}

export async function stormKill(): Promise<{ pass: boolean; figures: string }> {
  const seed = Number(process.env.STORM_SEED) || Math.floor(Math.random() * 2 ** 31);
  const rand = generator(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;

  const db = await freshDatabase();
  const [a, b] = await servers(2, db, ENV);
  const licenses: { id: string; key: string }[] = [];
  for (let i = 0; i < LICENSES; i++) licenses.push((await issue((i % 2 ? b : a)!.url, MAX)).license);
  const devices: Device[][] = Array.from({ length: WORKERS }, (_, w) =>
    Array.from({ length: DEVICES_PER_WORKER }, (_, j) => {
      const license = licenses[(w * DEVICES_PER_WORKER + j) % LICENSES]!;
      return { id: `storm-w${w}-d${j}`, key: license.key, licenseId: license.id, state: 'none', seat: null };
    }),
  );

  // What the clients were told.
  const expected = new Map<string, Expect>();
  const sentIn: Record<Phase, number> = { before: 0, down: 0, after: 0 };
  let ackActivations = 0;
  let ackDeactivations = 0;
  let limitRefused = 0;
  let validations = 0;
  let validAnswers = 0;
  let invalidAnswers = 0;
  let refused = 0;
  let cut = 0;
  let hangs = 0;
  let ackAfterRestart = 0;
  /** Answers that break the contract: 5xx, unexpected codes, a held seat refused or answered invalid. */
  const faults: string[] = [];
  const fault = (what: string) => {
    if (faults.length < 50) faults.push(what);
  };

  let phase: Phase = 'before';
  let targets = [a!.url, b!.url];
  let running = true;

  const noAnswer = (r: Reply) => {
    if (r.status === -1) hangs++;
    if (r.refused) refused++;
    else cut++;
  };

  const activateOp = async (d: Device, base: string): Promise<Reply> => {
    const r = await post(base, '/api/v1/licensing/activate', {
      license_key: d.key,
      device_fingerprint: `fp-${d.id}`,
      device_info: { device_id: d.id },
    });
    if (r.status === 200 && r.body?.activation_id) {
      ackActivations++;
      if (phase === 'after') ackAfterRestart++;
      const id = r.body.activation_id as string;
      if (d.seat && d.seat.id !== id) {
        // A new seat means the previous one was not live any more.
        if (d.state === 'held') fault(`held seat replaced (${d.id})`);
        else if (expected.get(d.seat.id) === 'either') expected.set(d.seat.id, 'inactive');
      }
      expected.set(id, 'active');
      d.state = 'held';
      d.seat = { id, token: r.body.signed_token };
    } else if (r.status === 403 && r.body?.error?.code === 'ACTIVATION_LIMIT_REACHED') {
      // Refused, so the device had no live seat (a device holding one gets it back).
      limitRefused++;
      if (d.state === 'held') fault(`held device refused a seat (${d.id})`);
      else {
        if (d.seat && expected.get(d.seat.id) === 'either') expected.set(d.seat.id, 'inactive');
        d.state = 'none';
        d.seat = null;
      }
    } else {
      if (r.status > 0) fault(`activate ${r.status} ${r.body?.error?.code ?? ''}`.trim());
      else noAnswer(r);
      // Whether a seat was taken is unknown (a held seat stays held: activating cannot free it). A
      // refused connection never delivered the request: nothing changed.
      if (d.state === 'none' && !r.refused) d.state = 'unknown';
    }
    return r;
  };

  const validateOp = async (d: Device, seat: Seat, base: string): Promise<Reply> => {
    validations++;
    const r = await post(base, '/api/v1/licensing/validate', { token: seat.token, device_id: d.id });
    if (r.status === 200 && typeof r.body?.valid === 'boolean') {
      if (r.body.valid) validAnswers++;
      else {
        invalidAnswers++;
        if (d.state === 'held') fault(`held seat answered invalid: ${r.body.code}`);
      }
    } else if (r.status > 0) fault(`validate ${r.status} ${r.body?.error?.code ?? ''}`.trim());
    else noAnswer(r);
    return r;
  };

  const deactivateOp = async (d: Device, seat: Seat, base: string): Promise<Reply> => {
    const r = await post(base, '/api/v1/licensing/deactivate', { token: seat.token, device_id: d.id });
    if (r.status === 200) {
      ackDeactivations++;
      if (phase === 'after') ackAfterRestart++;
      expected.set(seat.id, 'inactive');
      d.state = 'none';
      d.seat = null;
    } else if (r.status === 409 && r.body?.error?.code === 'INVALID_STATE_TRANSITION') {
      // Already freed: by our own cut request, else the seat was lost (`expected` still says active).
      if (d.state === 'held') fault(`held seat already deactivated (${d.id})`);
      else expected.set(seat.id, 'inactive');
      d.state = 'none';
      d.seat = null;
    } else {
      if (r.status > 0) fault(`deactivate ${r.status} ${r.body?.error?.code ?? ''}`.trim());
      else noAnswer(r);
      if (!r.refused) {
        if (expected.get(seat.id) === 'active') expected.set(seat.id, 'either');
        d.state = 'unknown';
      }
    }
    return r;
  };

  const worker = async (mine: Device[]) => {
    for (let i = 0; i < MAX_ITERATIONS && running; i++) {
      const d = pick(mine);
      const base = pick(targets);
      sentIn[phase]++;
      const roll = rand();
      const seat = d.seat;
      const r =
        seat && roll < 0.4
          ? await validateOp(d, seat, base)
          : seat && roll < 0.7
            ? await deactivateOp(d, seat, base)
            : await activateOp(d, base);
      // A client backs off a little after a failed request (the dead process refuses at once).
      await sleep(rand() * THINK_MS + (r.status <= 0 ? 20 : 0));
    }
  };

  // Seat counts per license, polled from PostgreSQL while the storm runs.
  const sql = postgres(db, { max: 1, onnotice: () => {} });
  const maxSeen = new Map(licenses.map((l) => [l.id, 0]));
  const ids = licenses.map((l) => l.id);
  const countSeats = async () => {
    const rows = await sql<{ license_id: string; n: number }[]>`
      select license_id, count(*)::int as n from activations
      where license_id = any(${ids}) and status = 'active' group by license_id`;
    for (const r of rows) maxSeen.set(r.license_id, Math.max(maxSeen.get(r.license_id)!, r.n));
  };
  let polls = 0;
  let pollFailure = '';
  const poller = (async () => {
    while (running) {
      await countSeats();
      polls++;
      await sleep(15);
    }
  })().catch((err) => {
    pollFailure = (err as Error).message;
  });

  const started = Date.now();
  const workers = Promise.all(devices.map((mine) => worker(mine)));
  let stormDone = false;
  void workers.then(() => {
    stormDone = true;
  });
  let killedMidStorm = false;
  let restartSeconds = 0;
  let c: Awaited<ReturnType<typeof servers>>[number] | undefined;
  try {
    while (
      Date.now() - started < KILL_LATEST_MS &&
      (Date.now() - started < KILL_AFTER_MS || sentIn.before < KILL_AFTER_REQUESTS)
    )
      await sleep(25);
    killedMidStorm = !stormDone && sentIn.before > 0;
    a!.child.kill('SIGKILL');
    phase = 'down';
    const killedAt = Date.now();
    [c] = await servers(1, db, ENV);
    restartSeconds = (Date.now() - killedAt) / 1000;
    targets = [c!.url, b!.url];
    phase = 'after';
    await sleep(AFTER_RESTART_MS);
  } finally {
    running = false;
    await workers;
    await poller;
  }
  const stormSeconds = (Date.now() - started) / 1000;

  // After the restart, straight from PostgreSQL.
  const rows = await (async () => {
    try {
      await countSeats();
      return await sql<{ id: string; license_id: string; device_id: string; status: string }[]>`
        select id, license_id, device_id, status from activations where license_id = any(${ids})`;
    } finally {
      await sql.end({ timeout: 5 });
    }
  })();
  const status = new Map(rows.map((r) => [r.id, r.status]));
  const live = rows.filter((r) => r.status === 'active');
  const activeNow = new Map(ids.map((id) => [id, live.filter((r) => r.license_id === id).length]));
  const perDevice = new Map<string, number>();
  for (const r of live) perDevice.set(r.device_id, (perDevice.get(r.device_id) ?? 0) + 1);
  const duplicates = [...perDevice.values()].filter((n) => n > 1).length;
  let lost = 0;
  let notFreed = 0;
  for (const [id, want] of expected) {
    if (want === 'active' && status.get(id) !== 'active') lost++;
    if (want === 'inactive' && status.get(id) === 'active') notFreed++;
  }
  const all = devices.flat();
  // A device known to hold no seat has none (its last answer was a deactivation or a refusal).
  const ghosts = all.filter((d) => d.state === 'none' && perDevice.has(d.id)).length;
  const over = ids.reduce((s, id) => s + Math.max(0, maxSeen.get(id)! - MAX, activeNow.get(id)! - MAX), 0);

  // The held seats validate through the replacement process.
  const held = all.filter((d) => d.state === 'held' && d.seat);
  let validAfter = 0;
  for (const d of held) {
    const r = await post(c!.url, '/api/v1/licensing/validate', { token: d.seat!.token, device_id: d.id });
    if (r.status === 200 && r.body?.valid === true) validAfter++;
    else fault(`after restart, held seat ${d.id}: ${r.status} ${r.body?.code ?? r.body?.error?.code ?? ''}`);
  }

  const sent = sentIn.before + sentIn.down + sentIn.after;
  const pass =
    killedMidStorm &&
    ackAfterRestart > 0 &&
    lost === 0 &&
    over === 0 &&
    notFreed === 0 &&
    duplicates === 0 &&
    ghosts === 0 &&
    hangs === 0 &&
    !pollFailure &&
    faults.length === 0 &&
    validAfter === held.length;
  const problems = [
    !killedMidStorm && 'the kill did not land mid-storm',
    ackAfterRestart === 0 && 'nothing acknowledged after the restart',
    notFreed && `acknowledged deactivations still active ${notFreed}`,
    duplicates && `devices with two live seats ${duplicates}`,
    ghosts && `seatless devices holding a seat ${ghosts}`,
    hangs && `hangs ${hangs}`,
    pollFailure && `seat poller failed: ${pollFailure}`,
    faults.length && `faults ${faults.length} [${[...new Set(faults)].slice(0, 4).join('; ')}]`,
  ].filter(Boolean);
  return {
    pass,
    figures:
      `requests ${sent} (2 up ${sentIn.before}, 1 killed ${sentIn.down}, restarted ${sentIn.after}; ${WORKERS} workers, ` +
      `${LICENSES} licenses of max ${MAX}), acknowledged activations ${ackActivations} (limit refused ${limitRefused}), ` +
      `acknowledged deactivations ${ackDeactivations}, validations ${validations} (valid ${validAnswers}, ` +
      `invalid ${invalidAnswers}), ` +
      `unknown ${refused + cut} (refused by the dead process ${refused}, cut ${cut}), ` +
      `found active after restart ${live.length}, held seats valid via the new process ${validAfter}/${held.length}, ` +
      `lost ${lost}, over-activations seen ${over}, max seen per license ${ids.map((id) => maxSeen.get(id)).join('/')} ` +
      `(${polls} polls), restart ${restartSeconds.toFixed(1)} s, storm ${stormSeconds.toFixed(1)} s` +
      `${problems.length ? `; ${problems.join(', ')}; seed ${seed}` : ''}`,
  };
}
