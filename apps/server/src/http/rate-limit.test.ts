import { Redis } from 'ioredis';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { redisAnswers, redisTestDatabase } from '../../test/support/redis.js';
import { useServer } from '../../test/support/server.js';

// Logical database 12: no other test writes there.
const redisUrl = redisTestDatabase(12);
const redisUp = await redisAnswers(redisUrl);
// Two servers on one database need PostgreSQL (the embedded engine serves one process).
const twoProcesses = redisUp && inject('databaseKind') === 'postgres';

describe.runIf(twoProcesses)('rate limits in Redis', () => {
  // Registered before useServer: the count starts empty before the servers do.
  beforeAll(async () => {
    const admin = new Redis(redisUrl!);
    await admin.flushdb();
    admin.disconnect();
  });
  const world = useServer({ servers: 2, accounts: 0, config: { rateLimitPerMinute: 5, redisUrl } });

  it('two processes share one count per caller', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await world.servers[i % 2]!.request('GET', '/api/v1/users')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });
});

describe('rate limits with Redis unreachable', () => {
  // Nothing listens on port 1: every count fails, and requests are served unlimited.
  const world = useServer({
    accounts: 0,
    config: { rateLimitPerMinute: 2, redisUrl: 'redis://127.0.0.1:1' },
  });

  it('serves requests instead of failing them', async () => {
    for (let i = 0; i < 4; i++) expect((await world.server.request('GET', '/api/v1/users')).status).toBe(401);
  });
});
