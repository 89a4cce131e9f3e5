// In-process cost of a cached check (performance.md B4): the middleware's hot path with a warm cache.
import { Enforcer } from '../src/enforcer.js';

const enforcer = new Enforcer({
  baseUrl: 'http://unused',
  apiKey: 'unused',
  failMode: 'closed',
  cacheTtlMs: 60_000,
  fetch: async () =>
    new Response(
      JSON.stringify({
        allowed: true,
        code: 'ALLOWED',
        license_id: 'l',
        tier: 'professional',
        tier_rank: 2,
        features: ['advanced_reporting'],
      }),
    ),
});
await enforcer.requireFeature('KEY', 'advanced_reporting'); // warm the cache
const N = 2_000_000;
let denied = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const summary = enforcer.cached('KEY')!;
  if (enforcer.featureDenial(summary, 'advanced_reporting')) denied++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ figure: 'B4-in-process', checks_per_second: Math.round(N / seconds), denied }));
