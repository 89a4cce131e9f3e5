import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChildServer, startChildServer } from '../../test/support/child-server.js';
import { createCustomer, createPlan } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';

// Issue J: two real server processes on one PostgreSQL run the lifecycle for 44 simulated days over 400
// licenses and 60 subscriptions, and one of them is killed (-9) in the middle of a run. Each reminder
// must be given exactly once, each license expire once, each subscription renew or fall past due and be
// suspended once, and the killed run be finished by the other process.
const T0 = new Date('2031-01-01T00:00:00Z');
const HOUR = 3_600_000;
const LICENSES = 400;
const SUBSCRIPTIONS = 60;
const dir = mkdtempSync(path.join(tmpdir(), 'keyward-two-processes-'));
const clockFile = path.join(dir, 'now');
const setClock = (at: Date) => writeFileSync(clockFile, at.toISOString());

const startChild = (name: string) =>
  startChildServer(name, dir, clockFile, {
    KEYWARD_JOBS: 'work',
    KEYWARD_JOB_TIMEOUT_SECONDS: '3',
    KEYWARD_JOB_POLL_SECONDS: '2',
  });

describe.skipIf(inject('databaseKind') !== 'postgres')('the lifecycle on two processes', () => {
  setClock(T0);
  const clock = new FixedClock(T0);
  // This process only sets the test up: the runs are the two children's alone (one of them is killed
  // mid-run; a run this process took instead would never show in their output).
  const world = useServer({ clock, config: { jobs: 'off' } });
  const children: ChildServer[] = [];
  let owner: string;

  beforeAll(async () => {
    owner = await world.account.token('owner');
  });
  afterAll(() => {
    for (const c of children) c.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (child: ChildServer, method: string, p: string) => {
    const res = await fetch(child.url + p, { method, headers: { authorization: `Bearer ${owner}` } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  /** Queues a lifecycle run through `via`'s API (for this test's account) and returns its id. */
  const queue = async (via: ChildServer) => {
    for (;;) {
      const res = await api(via, 'POST', '/api/v1/jobs/lifecycle/runs');
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      if (res.body.id) return res.body.id as string;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const finished = async (via: ChildServer, id: string, timeout = 60_000) => {
    let run: Record<string, any> = {};
    await expect
      .poll(
        async () => {
          run = (await api(via, 'GET', `/api/v1/jobs/lifecycle/runs/${id}`)).body;
          return run.state;
        },
        { timeout, interval: 20 },
      )
      .toBe('completed');
    return run;
  };

  it('gives each reminder once and expires each license once, through a kill -9 mid-run', async () => {
    // 400 licenses issued at T0 for 1 to 40 days, grace 2 days.
    const plan = await createPlan(world.server, world.account, { grace_period_days: 2 });
    const customer = await createCustomer(world.server, world.account);
    const durations = new Map<string, number>();
    for (let i = 0; i < LICENSES; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, j) => {
          const days = 1 + ((i + j) % 40);
          const res = await world.server.request('POST', '/api/v1/licenses', {
            token: owner,
            body: { plan_id: plan.id, customer_id: customer.id, duration_days: days },
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          durations.set(res.body.id, days);
        }),
      );
    }

    // 60 monthly subscriptions from T0: half on a plan that renews itself (once, on day 31), half on one
    // that falls past due on day 31 and is suspended when its 5-day dunning window ends.
    const renewing = await createPlan(world.server, world.account, { auto_renew: true });
    const dunning = await createPlan(world.server, world.account, { auto_renew: false, dunning_days: 5 });
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const res = await world.server.request('POST', '/api/v1/subscriptions', {
        token: owner,
        body: { plan_id: (i % 2 ? dunning : renewing).id, customer_id: customer.id },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    children.push(await startChild('a'), await startChild('b'));
    // The first pass has a notice for every license: kill the process that runs it, mid-run.
    const first = await queue(children[0]!);
    const runner = await new Promise<number>((resolve) => {
      const look = setInterval(() => {
        const i = children.findIndex((c) => c.output().includes(`"run":"${first}","msg":"job run started"`));
        if (i >= 0) {
          clearInterval(look);
          resolve(i);
        }
      }, 2);
    });
    children[runner]!.proc.kill('SIGKILL');
    const survivor = children[1 - runner]!;
    const started = Date.now();
    const rerun = await finished(survivor, first);
    expect(rerun.retries, 'the killed run was run again').toBeGreaterThanOrEqual(1);
    console.log(
      `killed process ${runner ? 'b' : 'a'} mid-run; the other finished the run in ${Date.now() - started} ms`,
    );
    // A new process takes the dead one's place: two again.
    children[runner] = await startChild(`${runner ? 'b' : 'a'}-2`);

    // 44 days in steps of 12 hours, the runs queued through either process in turn.
    for (let step = 1; step <= 44 * 2; step++) {
      setClock(new Date(T0.getTime() + step * 12 * HOUR));
      const id = await queue(children[step % 2]!);
      await finished(children[(step + 1) % 2]!, id);
    }

    const sql = world.server.ctx.db.sql;
    const accountId = world.account.accountId;
    const all = await sql<{ subject: string; type: string; days: string | null; n: number }[]>`
      select subject_id as subject, type, data->>'days_before' as days, count(*)::int as n from events
      where account_id = ${accountId} and actor_type = 'system'
      group by 1, 2, 3`;
    expect(
      all.filter((e) => e.n !== 1),
      'nothing twice',
    ).toEqual([]);
    const count = (type: string) => all.filter((e) => e.type === type).length;
    expect({
      renewed: count('subscription.renewed'),
      past_due: count('subscription.past_due'),
      suspended: count('subscription.suspended'),
      licenses_renewed: count('license.renewed'),
      licenses_held: count('license.extended'),
      licenses_suspended: count('license.suspended'),
    }).toEqual({
      renewed: SUBSCRIPTIONS / 2,
      past_due: SUBSCRIPTIONS / 2,
      suspended: SUBSCRIPTIONS / 2,
      licenses_renewed: SUBSCRIPTIONS / 2,
      licenses_held: SUBSCRIPTIONS / 2,
      licenses_suspended: SUBSCRIPTIONS / 2,
    });
    // The licenses issued by hand.
    const events = all
      .filter((e) => durations.has(e.subject))
      .map((e) => ({ license: e.subject, type: e.type, days: e.days, n: e.n }));
    const of = (type: string) => events.filter((e) => e.type === type);
    expect(of('license.expired')).toHaveLength(LICENSES);
    expect(of('license.grace_started')).toHaveLength(LICENSES);
    // Announced per license: each threshold crossed after issue, and the nearest one crossed at issue.
    let expected = 0;
    for (const [id, d] of durations) {
      const want = [30, 7, 1].filter((t) => t < d);
      const atIssue = [1, 7, 30].find((t) => t >= d);
      if (atIssue) want.push(atIssue);
      const got = of('license.expiring')
        .filter((e) => e.license === id)
        .map((e) => Number(e.days));
      expect(
        got.sort((a, b) => a - b),
        `license of ${d} days`,
      ).toEqual(want.sort((a, b) => a - b));
      expected += want.length;
    }
    expect(of('license.expiring')).toHaveLength(expected);
    const [left] = await sql<{ n: number }[]>`
      select count(*)::int as n from licenses
      where account_id = ${accountId} and subscription_id is null and status <> 'expired'`;
    expect(left!.n).toBe(0);
    console.log(
      `${expected} reminders, ${LICENSES} grace starts and ${LICENSES} expiries, ${SUBSCRIPTIONS / 2} renewals, ${SUBSCRIPTIONS / 2} past-due and suspensions, each once`,
    );
  }, 300_000);
});
