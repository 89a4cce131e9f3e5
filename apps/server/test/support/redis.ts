import { Redis } from 'ioredis';

/** True when a Redis answers at `url`; Redis-backed tests are skipped without one (CI has one). */
export function redisAnswers(url: string | undefined): Promise<boolean> {
  if (!url) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    probe.on('error', () => {});
    probe
      .connect()
      .then(() => resolve(true))
      .catch(() => resolve(false))
      .finally(() => probe.disconnect());
  });
}

/**
 * `REDIS_URL` with its logical database replaced, so a test file's keys stay apart from every other
 * file's (each file names its own number); undefined without `REDIS_URL`.
 */
export function redisTestDatabase(db: number): string | undefined {
  if (!process.env.REDIS_URL) return undefined;
  const url = new URL(process.env.REDIS_URL);
  url.pathname = `/${db}`;
  return url.toString();
}
