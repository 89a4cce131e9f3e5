import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { UsageRecorder } from '../licensing/usage-recorder.js';
import { timeSeries } from './repository.js';

const world = useServer();

describe('usage rollup', () => {
  it('time series from the hourly rollup equal the sums of the raw usage rows', async () => {
    const { server, account } = world;
    const db = server.ctx.db;
    // A series that starts mid-hour: rows just before, just after, later in that hour, and days later.
    const since = new Date('2026-03-10T10:20:00Z');
    const offsetsMin = [-1, 0, 1, 39, 41, 95, 60 * 24 * 2 + 5, 60 * 24 * 9, 60 * 24 * 9 + 1];
    let now = since;
    const recorder = new UsageRecorder({ ...server.ctx, clock: { now: () => now } });
    for (const [i, m] of offsetsMin.entries()) {
      now = new Date(since.getTime() + m * 60_000);
      for (let n = 0; n <= i % 3; n++)
        recorder.record({
          accountId: account.accountId,
          activationId: `00000000-0000-4000-8000-00000000000${i}`,
          kind: 'validation',
          success: i % 2 === 0,
          code: i % 2 === 0 ? 'VALID' : 'LICENSE_EXPIRED',
        });
      await recorder.flush();
    }
    for (const bucket of ['hour', 'day', 'week'] as const) {
      const raw = await db.sql`
        select date_trunc(${bucket}, at) as bucket, sum(count)::int as total, sum(case when success then 0 else count end)::int as failed
        from usage_events where account_id = ${account.accountId} and kind = 'validation' and at >= ${since}
        group by 1 order by 1`;
      const rolled = await timeSeries(db.sql, account.accountId, 'validation', bucket, since);
      expect(rolled.map((r) => ({ ...r }))).toEqual(raw.map((r) => ({ ...r })));
      // Row i is recorded 1 + i % 3 times; the one a minute before `since` is left out.
      expect(rolled.reduce((s, r) => s + r.total, 0)).toBe(2 + 3 + 1 + 2 + 3 + 1 + 2 + 3);
    }
  });
});
