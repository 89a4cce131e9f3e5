import { describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';

// Issue N, key guessing: every route that takes a license key counts in one bucket per caller, so
// spreading guesses over the client API and the portal buys no more of them than one route allows.

// A global limit of 40 a minute: the client API's key routes allow 20, the portal's 8, together.
const world = useServer({ config: { rateLimitPerMinute: 40 } });

const guess = (n: number) => `GUESS-${String(n).padStart(5, '0')}-AAAAA-BBBBB-CCCCC`;
const routes: Array<(n: number) => [string, object]> = [
  (n) => ['/api/v1/licensing/activate', { license_key: guess(n), device_fingerprint: 'fp' }],
  (n) => ['/api/v1/licensing/validate-key', { license_key: guess(n) }],
  (n) => ['/api/v1/portal/license-lookup', { license_key: guess(n) }],
];

describe('license-key guessing', () => {
  it('is limited once across every route that takes a key', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 24; n++) {
      const [path, body] = routes[n % routes.length]!(n);
      const res = await world.server.request('POST', path, { body });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('RATE_LIMITED');
    }
    // The portal route refuses once the shared count passes its 8; the client routes once it passes 20.
    const refused = statuses.filter((s) => s === 429).length;
    expect(statuses.slice(0, 8).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(8);
    // Before, each route counted alone: 24 guesses over three routes would all have been answered.
  });
});
