import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { recordEvent } from './record.js';

const world = useServer();

const event = (accountId: string, type: string, subjectId: string) => ({
  accountId,
  type,
  actor: { type: 'system' as const, id: 'test' },
  subject: { type: 'test', id: subjectId },
});

describe("a transaction's events", () => {
  it('reach the log together when it commits, in the order they were recorded', async () => {
    const { db } = world.server.ctx;
    const subject = randomUUID();
    const seenInside = await db.tx(async (tx) => {
      for (const type of ['test.one', 'test.two', 'test.three'])
        await recordEvent(tx, event(world.account.accountId, type, subject));
      const [row] = await tx<
        { n: number }[]
      >`select count(*)::int as n from events where subject_id = ${subject}`;
      return row!.n;
    });
    // Held until the commit: the transaction itself does not see them yet.
    expect(seenInside).toBe(0);
    const rows = await db.sql<{ type: string }[]>`
      select type from events where subject_id = ${subject} order by id`;
    expect(rows.map((r) => r.type)).toEqual(['test.one', 'test.two', 'test.three']);
  });

  it('that cannot be written fail the transaction: nothing it did is kept, and the caller hears why', async () => {
    const { db } = world.server.ctx;
    const subject = randomUUID();
    const email = `held-${subject}@example.test`;
    const attempt = db.tx(async (tx) => {
      await tx`insert into customers (account_id, email) values (${world.account.accountId}, ${email})`;
      await recordEvent(tx, event(world.account.accountId, 'test.kept', subject));
      // No such account: the log's foreign key refuses this one, at the commit.
      await recordEvent(tx, event(randomUUID(), 'test.refused', subject));
      return 'done';
    });
    await expect(attempt).rejects.toMatchObject({ code: '23503' });
    const [customers] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from customers where email = ${email}`;
    const [events] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from events where subject_id = ${subject}`;
    expect(customers!.n).toBe(0);
    expect(events!.n).toBe(0);
    // The connection is usable afterwards.
    await expect(db.tx(async (tx) => (await tx`select 1 as one`)[0]!.one)).resolves.toBe(1);
  });
});
