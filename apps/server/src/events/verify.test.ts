import { describe, expect, it } from 'vitest';
import { createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { createTestAccount, useServer } from '../../test/support/server.js';
import { verifyEvents } from './verify.js';

const world = useServer();

describe('the event log is append-only and hash-chained', () => {
  it('the database refuses updates and deletes', async () => {
    await createCustomer(world.server, world.account);
    const sql = world.server.ctx.db.sql;
    await expect(
      sql`update events set type = 'x' where account_id = ${world.account.accountId}`,
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from events where account_id = ${world.account.accountId}`).rejects.toThrow(
      /append-only/,
    );
  });

  it('verify passes on an intact chain and names the row an attacker edited', async () => {
    await createCustomer(world.server, world.account);
    await createCustomer(world.server, world.account);
    const ok = await verifyEvents(world.server.ctx.db, world.account.accountId);
    expect(ok.problems).toEqual([]);
    expect(ok.checked).toBeGreaterThanOrEqual(3);
    const sql = world.server.ctx.db.sql;
    const [victim] = await sql<
      { id: string }[]
    >`select id::text as id from events where account_id = ${world.account.accountId} and type = 'customer.created' order by id limit 1`;
    // An attacker with database superuser rights bypasses the trigger…
    await sql.begin(async (tx) => {
      await tx`alter table events disable trigger events_no_update`;
      await tx`update events set data = ${tx.json({ email: 'forged@example.com' } as never)} where id = ${victim!.id}`;
      await tx`alter table events enable trigger events_no_update`;
    });
    // …and the chain still gives them away.
    const report = await verifyEvents(world.server.ctx.db, world.account.accountId);
    expect(report.problems).toContainEqual({
      account_id: world.account.accountId,
      event_id: victim!.id,
      problem: 'row_edited',
    });
  });

  it('events whose data holds dates (license renewals) verify after being read back', async () => {
    const other = await createTestAccount(world.server);
    const license = await issueLicense(world.server, other);
    const renewed = await world.server.request('POST', `/api/v1/licenses/${license.id}/renew`, {
      token: await other.token('owner'),
      body: {},
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    const report = await verifyEvents(world.server.ctx.db, other.accountId);
    expect(report.problems).toEqual([]);
    const [renewal] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from events where account_id = ${other.accountId} and type = 'license.renewed'`;
    expect(renewal!.n).toBe(1);
  });

  it('events are searchable by type prefix and subject', async () => {
    const c = await createCustomer(world.server, world.account);
    const token = await world.account.token('read_only');
    const byType = await world.server.request('GET', '/api/v1/events?type=customer.*', { token });
    expect(byType.body.data.every((e: { type: string }) => e.type.startsWith('customer.'))).toBe(true);
    const bySubject = await world.server.request('GET', `/api/v1/events?subject_id=${c.id}`, { token });
    expect(bySubject.body.data.map((e: { type: string }) => e.type)).toEqual(['customer.created']);
  });
});
