import { describe, expect, it } from 'vitest';
import { activate, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issues N and I, rate limits keyed by what is authenticated: unknown license keys count against the
// caller's IP on every route that takes a key (spreading guesses over routes buys nothing), while a
// fleet of real devices behind one address is counted device by device and never refused.

describe('with the default limits', () => {
  // The shipped defaults (testConfig lifts them for other files).
  const world = useServer({
    config: { rateLimitPerMinute: 6000, clientRateLimitPerMinute: 120, keyGuessesPerMinute: 30 },
  });

  it('refuses an address that guessed 30 unknown keys, on every route that takes a key', async () => {
    const guess = (n: number) => `GUESS-${String(n).padStart(5, '0')}-AAAAA-BBBBB-CCCCC`;
    const routes: Array<(n: number) => [string, object]> = [
      (n) => ['/api/v1/licensing/activate', { license_key: guess(n), device_fingerprint: 'fp' }],
      (n) => ['/api/v1/licensing/validate-key', { license_key: guess(n) }],
      (n) => ['/api/v1/portal/license-lookup', { license_key: guess(n) }],
    ];
    const statuses: number[] = [];
    for (let n = 0; n < 33; n++) {
      const [path, body] = routes[n % routes.length]!(n);
      statuses.push((await world.server.request('POST', path, { body })).status);
    }
    expect(statuses.slice(0, 30).includes(429)).toBe(false);
    expect(statuses.slice(30)).toEqual([429, 429, 429]);
    const refused = await world.server.request('POST', '/api/v1/licensing/validate-key', {
      body: { license_key: guess(99) },
    });
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/unknown license keys/);
  });
});

describe('a fleet behind one address', () => {
  const world = useServer({
    config: { rateLimitPerMinute: 6000, clientRateLimitPerMinute: 120, keyGuessesPerMinute: 30 },
  });

  it('1,000 devices validating once each within a minute get no 429, and see RateLimit headers', async () => {
    const license = await issueLicense(world.server, world.account, { max_activations: 1000 });
    // Activation counts per device too: taking 1,000 seats from one address is not refused either.
    const tokens: Array<{ token: string; device: string }> = [];
    for (let batch = 0; batch < 10; batch++) {
      const seats = await Promise.all(
        Array.from({ length: 100 }, (_, i) => activate(world.server, license.key, `nat-${batch * 100 + i}`)),
      );
      for (const [i, s] of seats.entries()) {
        expect(s.status, JSON.stringify(s.body)).toBe(200);
        tokens.push({ token: s.body.signed_token, device: `nat-${batch * 100 + i}` });
      }
    }
    const statuses = new Map<number, number>();
    let headers: Headers | undefined;
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        tokens.slice(batch * 100, batch * 100 + 100).map(({ token, device }) =>
          world.server.request('POST', '/api/v1/licensing/validate', {
            body: { token, device_id: device },
          }),
        ),
      );
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      headers = answers[0]!.headers;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 1000 });
    expect(headers?.get('ratelimit-limit')).toBe('120');
    expect(Number(headers?.get('ratelimit-remaining'))).toBe(119);
    expect(Number(headers?.get('ratelimit-reset'))).toBeGreaterThan(0);
  });
});
