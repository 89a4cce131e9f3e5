import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { activate, EXPORTS_QUOTA, issueLicense } from '../../test/support/fixtures.js';
import { redisAnswers, redisTestDatabase } from '../../test/support/redis.js';
import { FixedClock, startTestServer, useServer } from '../../test/support/server.js';
import type { QuotaKey } from './quota-counters.js';
import { RedisQuotaCounters } from './redis-quota-counters.js';
import { periodReset, periodStart } from './rules.js';

// Logical database 11: no other test file (db 0) or the bench (db 13) writes there; keys are per license.
const redisUrl = redisTestDatabase(11);
const redisUp = await redisAnswers(redisUrl);
// Two processes need PostgreSQL (the embedded engine serves one connection).
const runs = redisUp && inject('databaseKind') === 'postgres';

const quotaPlan = {
  features: [EXPORTS_QUOTA],
};
const clock = new FixedClock(new Date('2026-01-15T12:30:00Z'));
let admin: Redis;
const licenses: string[] = [];

describe.runIf(runs)('quota counters in Redis', () => {
  const world = useServer({ servers: 2, clock, config: { redisUrl } });
  beforeAll(async () => {
    // Requests before a server's Redis connection is up would count in PostgreSQL (the fallback).
    for (const s of world.servers)
      if (s.ctx.redis!.status !== 'ready')
        await new Promise((resolve) => s.ctx.redis!.once('ready', resolve));
    admin = new Redis(redisUrl!);
  });
  afterAll(async () => {
    for (const id of licenses) {
      const keys = await admin.keys(`kw_q:${id}:*`);
      if (keys.length) await admin.del(...keys);
    }
    admin?.disconnect();
  });

  async function newLicense() {
    const license = await issueLicense(world.server, world.account, {}, quotaPlan);
    licenses.push(license.id);
    return license;
  }
  const durableCount = async (licenseId: string) => {
    const [row] = await world.server.ctx.db.sql<{ count: string }[]>`
      select count from usage_counters where license_id = ${licenseId} and feature = 'exports'`;
    return Number(row?.count ?? 0);
  };

  it('100 concurrent consumptions against 50 through 2 servers: exactly 50, written behind to PostgreSQL', async () => {
    const license = await newLicense();
    const token = await world.account.token('developer');
    const consume = (i: number) =>
      world.servers[i % 2]!.request('POST', '/api/v1/entitlements/check', {
        token,
        body: { license_key: license.key, feature: 'exports', consume: 1 },
      });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => consume(i)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.allowed)).toHaveLength(50);
    expect(results.filter((r) => r.body.code === 'USAGE_LIMIT_EXCEEDED')).toHaveLength(50);
    expect(await admin.get(`kw_q:${license.id}:exports:2026-01-15T12:00:00.000Z`)).toBe('50');
    await expect.poll(() => durableCount(license.id), { timeout: 5000 }).toBe(50);
    // The dashboard on the other process sees the same count.
    const usage = await world.servers[1]!.request('GET', `/api/v1/licenses/${license.id}/usage`, { token });
    expect(usage.body.usage).toContainEqual(expect.objectContaining({ name: 'exports', used: 50 }));
    // Redis loses the key (a restart, an eviction): the count is seeded again from PostgreSQL, not from 0.
    await admin.del(`kw_q:${license.id}:exports:2026-01-15T12:00:00.000Z`);
    expect((await consume(0)).body).toMatchObject({ allowed: false, used: 50 });
    expect((await consume(1)).body).toMatchObject({ allowed: false, used: 50 });
  });

  it('usage an app records through one process shows at once in the status the other serves', async () => {
    const license = await newLicense();
    const seat = await activate(world.server, license.key, 'redis-dev');
    const used = await world.server.request('POST', '/api/v1/licensing/usage', {
      body: { token: seat.body.signed_token, feature: 'exports', count: 46 },
    });
    expect(used.body).toMatchObject({ allowed: true, used: 46 });
    const status = await world.servers[1]!.request('GET', '/api/v1/licensing/status', {
      headers: { authorization: `Bearer ${seat.body.signed_token}` },
    });
    expect(status.body.usage).toContainEqual(expect.objectContaining({ name: 'exports', used: 46 }));
  });

  it('a server whose Redis is gone still answers over HTTP: no 5xx, counting falls back to PostgreSQL', async () => {
    const lonely = await startTestServer({ clock, config: { redisUrl } });
    try {
      if (lonely.ctx.redis!.status !== 'ready')
        await new Promise((resolve) => lonely.ctx.redis!.once('ready', resolve));
      lonely.ctx.redis!.disconnect();
      const license = await newLicense();
      const token = await world.account.token('developer');
      const results = await Promise.all(
        Array.from({ length: 60 }, () =>
          lonely.request('POST', '/api/v1/entitlements/check', {
            token,
            body: { license_key: license.key, feature: 'exports', consume: 1 },
          }),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      expect(results.filter((r) => r.body.allowed)).toHaveLength(50);
      expect(await durableCount(license.id)).toBe(50);
    } finally {
      await lonely.close();
    }
  });

  describe('Redis going away mid-period', () => {
    // Counters built as the composition root (app/parts.ts) builds them, on their own Redis clients so the test can cut
    // them.
    const make = async (flushIntervalMs: number) => {
      const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      redis.on('error', () => {});
      // Without the offline queue, commands sent before the connection is up fail (and fall back).
      await new Promise((resolve) => redis.once('ready', resolve));
      const warnings: string[] = [];
      const infos: string[] = [];
      const log = { warn: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) };
      const counters = new RedisQuotaCounters(
        redis,
        { sql: world.server.ctx.db.sql, clock, log },
        flushIntervalMs,
      );
      return { redis, counters, warnings, infos };
    };
    const keyOf = (license: { id: string }): QuotaKey => ({
      accountId: world.account.accountId,
      licenseId: license.id,
      feature: 'exports',
      periodStart: periodStart('hour', clock.now()),
      periodEnd: periodReset('hour', clock.now()),
    });

    it('two processes fall back to PostgreSQL: no errors, never past the quota, one warning each; back on Redis they reseed', async () => {
      const license = await newLicense();
      const key = keyOf(license);
      const procs = await Promise.all([make(100), make(100)]);
      try {
        await Promise.all(Array.from({ length: 20 }, (_, i) => procs[i % 2]!.counters.consume(key, 1, 50)));
        // What Redis accepted reaches PostgreSQL within a flush (the documented window is that flush).
        await Promise.all(procs.map((p) => p.counters.flush()));
        expect(await durableCount(license.id)).toBe(20);
        for (const p of procs) p.redis.disconnect();
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => procs[i % 2]!.counters.consume(key, 1, 50)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(30);
        expect(await durableCount(license.id)).toBe(50);
        expect(await procs[0]!.counters.current(key)).toBe(50);
        for (const p of procs) {
          expect(p.warnings).toEqual([expect.stringMatching(/quota counting fell back to PostgreSQL/)]);
          expect(p.infos).toEqual([]);
        }
        // Redis still holds 20; PostgreSQL's 50 is the floor once it is back.
        for (const p of procs) await p.redis.connect();
        expect(await admin.get(`kw_q:${license.id}:exports:2026-01-15T12:00:00.000Z`)).toBe('20');
        expect(await procs[1]!.counters.consume(key, 1, 50)).toEqual({ allowed: false, used: 50 });
        expect(await admin.get(`kw_q:${license.id}:exports:2026-01-15T12:00:00.000Z`)).toBe('50');
        expect(procs[1]!.infos).toEqual([expect.stringMatching(/redis is back/)]);
      } finally {
        for (const p of procs) {
          await p.counters.close();
          p.redis.disconnect();
        }
      }
    });

    it("a process's own unflushed usage still counts when it falls back, and shutdown flushes it", async () => {
      const license = await newLicense();
      const key = keyOf(license);
      const p = await make(60_000); // no timed flush during the test
      try {
        expect(await p.counters.consume(key, 45, 50)).toEqual({ allowed: true, used: 45 });
        expect(await durableCount(license.id)).toBe(0);
        p.redis.disconnect();
        const results = await Promise.all(Array.from({ length: 10 }, () => p.counters.consume(key, 1, 50)));
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
        expect(await p.counters.current(key)).toBe(50);
      } finally {
        await p.counters.close();
        p.redis.disconnect();
      }
      expect(await durableCount(license.id)).toBe(50);
    });
  });
});
