import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { jobsOverview, nextRunAt } from './overview.js';
import { JobRunner } from './runner.js';

const world = useServer();
let owner: string;

beforeAll(async () => {
  owner = await world.account.token('owner');
});

describe('the job queue', () => {
  it('lists every job with its schedule and next run; only owners and admins see it', async () => {
    const res = await world.server.request('GET', '/api/v1/jobs', { token: owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const names = res.body.jobs.map((j: { name: string }) => j.name);
    expect(names).toEqual([
      'lifecycle',
      'release-lapsed-leases',
      'retention',
      'compliance-scan',
      'retire-signing-keys',
      'revenue-snapshots',
      'sweep-idempotency-keys',
      'sweep-request-nonces',
    ]);
    const lifecycle = res.body.jobs[0];
    expect(lifecycle).toMatchObject({ schedule: '*/5 * * * *', failed: 0 });
    expect(new Date(lifecycle.next_run_at).getUTCMinutes() % 5).toBe(0);
    for (const role of ['developer', 'read_only'] as const) {
      const refused = await world.server.request('GET', '/api/v1/jobs', {
        token: await world.account.token(role),
      });
      expect(refused.status).toBe(403);
    }
  });

  it('runs a job now through the API and shows the run, then its last run', async () => {
    const queued = await world.server.request('POST', '/api/v1/jobs/lifecycle/runs', { token: owner });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    if (!queued.body.queued) return; // a scheduled run was waiting: it is the same work
    const path = `/api/v1/jobs/lifecycle/runs/${queued.body.id}`;
    await expect
      .poll(async () => (await world.server.request('GET', path, { token: owner })).body.state, {
        timeout: 15_000,
      })
      .toBe('completed');
    const run = (await world.server.request('GET', path, { token: owner })).body;
    expect(run.output).toEqual({
      expired: expect.any(Number),
      notices: expect.any(Number),
      subscriptions: {
        renewed: expect.any(Number),
        past_due: expect.any(Number),
        suspended: expect.any(Number),
        expired: expect.any(Number),
      },
      renewal_orders: expect.any(Number),
    });
    const overview = await world.server.request('GET', '/api/v1/jobs', { token: owner });
    expect(overview.body.jobs[0].last_run).toMatchObject({ state: 'completed' });
  });

  it('says what is wrong: an unknown job is 404, retrying a run that did not fail is 409', async () => {
    const unknown = await world.server.request('POST', '/api/v1/jobs/no-such-job/runs', { token: owner });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const { jobs } = world.server.parts;
    const id = await jobs.enqueue('lifecycle', { account_id: world.account.accountId });
    if (!id) return;
    await jobs.waitFor('lifecycle', id);
    const retry = await world.server.request('POST', `/api/v1/jobs/lifecycle/runs/${id}/retry`, {
      token: owner,
    });
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('INVALID_STATE_TRANSITION');
  });

  describe('a job that fails', () => {
    let attempts = 0;
    let healthy = false;
    const runner = () =>
      new JobRunner(world.server.parts.ctx, [
        {
          name: 'test-flaky',
          description: 'fails until told otherwise',
          retryLimit: 1,
          retryDelay: 1,
          run: async () => {
            attempts++;
            if (!healthy) throw new Error(`the flaky job failed (attempt ${attempts})`);
            return { attempts };
          },
        },
      ]);
    let flaky: JobRunner;
    beforeAll(async () => {
      flaky = runner();
      await flaky.start({ work: ['test-flaky'] });
    });
    afterAll(() => flaky.stop());

    it('is retried with backoff, then stays failed with its error; a retry runs it again', async () => {
      const id = (await flaky.enqueue('test-flaky'))!;
      const failed = await flaky.waitFor('test-flaky', id);
      expect(failed.state).toBe('failed');
      expect(attempts).toBe(2); // the run and its one retry
      expect(failed.output).toMatchObject({ message: 'the flaky job failed (attempt 2)' });
      const overview = await jobsOverview(world.server.parts.ctx, flaky);
      expect(overview.jobs[0]).toMatchObject({ name: 'test-flaky', failed: 1 });
      expect(overview.failures[0]).toMatchObject({ name: 'test-flaky', id, state: 'failed' });

      healthy = true;
      expect(await flaky.retry('test-flaky', id)).toBe(true);
      await expect
        .poll(async () => (await flaky.run('test-flaky', id))?.state, { timeout: 15_000 })
        .toBe('completed');
      expect((await flaky.run('test-flaky', id))?.output).toEqual({ attempts: 3 });
    });
  });

  it('/metrics counts licenses by status, live seats and job runs, read from the database', async () => {
    await issueLicense(world.server, world.account);
    const res = await fetch(`${world.server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (line: RegExp) => Number(line.exec(text)?.[1]);
    expect(value(/^keyward_licenses\{status="active"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^keyward_active_seats (\d+)$/m)).toBeGreaterThanOrEqual(0);
    // The flaky job above failed once for good and was run again: no failed run is left.
    expect(text).not.toMatch(/^keyward_job_runs\{job="test-flaky",state="failed"\}/m);
    expect(text).toMatch(/^# TYPE keyward_job_runs gauge$/m);
  });

  it('computes the next run of a schedule in UTC', () => {
    expect(nextRunAt('*/5 * * * *', new Date('2026-12-04T10:02:30Z')).toISOString()).toBe(
      '2026-12-04T10:05:00.000Z',
    );
    expect(nextRunAt('7 * * * *', new Date('2026-12-04T10:07:00Z')).toISOString()).toBe(
      '2026-12-04T11:07:00.000Z',
    );
  });
});
