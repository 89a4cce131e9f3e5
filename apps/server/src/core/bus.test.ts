import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../../test/support/fresh-database.js';
import { connectDatabase, type Database } from '../db/database.js';
import { type Bus, type BusMessage, createBus, notificationPayloads } from './bus.js';

const message = (i: number, pad = 0): BusMessage => ({
  topic: 'license.changed',
  accountId: '00000000-0000-4000-8000-000000000001',
  data: { license_id: `l${i}`, note: 'x'.repeat(pad) },
});

describe('notification payloads', () => {
  it('groups messages under one origin and keeps each payload under what PostgreSQL accepts', () => {
    const small = notificationPayloads('o1', [message(1), message(2), message(3)]);
    expect(small).toHaveLength(1);
    expect(JSON.parse(small[0]!)).toEqual({ origin: 'o1', messages: [message(1), message(2), message(3)] });

    const many = Array.from({ length: 40 }, (_, i) => message(i, 500));
    const payloads = notificationPayloads('o1', many);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    expect(payloads.flatMap((p) => (JSON.parse(p) as { messages: BusMessage[] }).messages)).toEqual(many);
  });
});

// Two processes are two buses on two connections to one database: what one publishes, the other hears.
describe.skipIf(inject('databaseKind') !== 'postgres')('bus across processes (PostgreSQL)', () => {
  let fresh: FreshDatabase;
  let second: Database;
  let a: Bus;
  let b: Bus;
  beforeAll(async () => {
    fresh = await freshDatabase();
    second = connectDatabase(fresh.db.url, 'postgres');
    a = await createBus(fresh.db);
    b = await createBus(second);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await fresh?.drop();
  });

  it('delivers a burst published in one turn to the other process, in order, and once to its own', async () => {
    const heardByB: string[] = [];
    const heardByA: string[] = [];
    b.subscribe('license.changed', (m) => heardByB.push(String(m.data.license_id)));
    a.subscribe('license.changed', (m) => heardByA.push(String(m.data.license_id)));
    const burst = Array.from({ length: 60 }, (_, i) => message(i, 300));
    await Promise.all(burst.map((m) => a.publish(m)));
    const want = burst.map((m) => String(m.data.license_id));
    await expect.poll(() => heardByB, { timeout: 5000 }).toEqual(want);
    // Its own messages reach it at once and their echo through PostgreSQL is ignored.
    await new Promise((r) => setTimeout(r, 200));
    expect(heardByA).toEqual(want);
  });
});
