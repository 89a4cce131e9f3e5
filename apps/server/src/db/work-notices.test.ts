import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { ClaimLoop } from '../core/claim-loop.js';
import { announceWork, onWorkQueued } from './work-notices.js';

// Announcements ride NOTIFY on the server's own database handle: on PostgreSQL a connection of their own,
// on the embedded engine the one session. Kinds are random where other test files' servers (on the same
// PostgreSQL) could announce the same.
const world = useServer();

describe('work announcements', () => {
  it('are heard when the transaction commits, by kind, and not at all when it rolls back', async () => {
    const db = world.server.ctx.db;
    const [mine, other] = [`test:${randomUUID()}`, `test:${randomUUID()}`];
    const heard = { mine: 0, other: 0 };
    const stops = [
      await onWorkQueued(db, mine, () => heard.mine++),
      await onWorkQueued(db, other, () => heard.other++),
    ];
    try {
      await db
        .tx(async (tx) => {
          await announceWork(tx, other);
          throw new Error('roll back');
        })
        .catch(() => {});
      await db.tx(async (tx) => {
        await announceWork(tx, mine);
        await announceWork(tx, mine); // the same notice twice in one transaction is heard once
        await tx`select 1`;
        expect(heard.mine).toBe(0);
      });
      await expect.poll(() => heard.mine).toBe(1);
      // Sent after the rolled-back one: heard, so the rolled-back one was not.
      await announceWork(db.sql, other);
      await expect.poll(() => heard.other).toBe(1);
      expect(heard.mine).toBe(1);
    } finally {
      for (const stop of stops) await stop();
    }
  });

  it('are sent by the emails table when the server queues one (migration 0038)', async () => {
    let heard = 0;
    const stop = await onWorkQueued(world.server.ctx.db, 'emails', () => heard++);
    try {
      // A new license with a customer queues its "your license key" email.
      const customer = await createCustomer(world.server, world.account);
      await issueLicense(world.server, world.account, { customer_id: customer.id });
      await expect.poll(() => heard).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  });

  it('wake a claim loop at once, however long its idle time', async () => {
    const kind = `test:${randomUUID()}`;
    let claims = 0;
    const loop = new ClaimLoop<never>({
      claim: async () => {
        claims++;
        return [];
      },
      handle: async () => {},
      batch: 1,
      maxInFlight: 1,
      idleMs: 600_000,
      wakeOn: (wake) => onWorkQueued(world.server.ctx.db, kind, wake),
      onError: (err) => {
        throw err;
      },
    });
    loop.start();
    try {
      await expect.poll(() => claims).toBe(1); // the first look, at start
      // Listening has begun once an announcement is heard; each one heard is one more look.
      await expect
        .poll(async () => {
          await announceWork(world.server.ctx.db.sql, kind);
          return claims;
        })
        .toBeGreaterThan(1);
    } finally {
      await loop.stop(0);
    }
  });
});
