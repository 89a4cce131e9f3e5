import { sweepLapsedLeases } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import { sweepIdempotencyKeys } from '../http/idempotency.js';
import type { JobDefinition } from '../jobs/runner.js';
import { runLifecyclePass } from '../lifecycle/service.js';
import { sweepRequestNonces } from '../offline/license-files.js';
import { retireExpiredKeys } from '../signing/service.js';

/**
 * Every job Keyward runs by itself, with its schedule (cron, UTC). Each run is idempotent: it works from
 * the database's state as of the clock's now, so a retried or repeated run changes nothing twice.
 */
export function keywardJobs(ctx: AppContext): JobDefinition[] {
  return [
    {
      name: 'lifecycle',
      // Expiry, end of grace and trials, reminders: a license's state is at most 5 minutes behind its dates.
      cron: '*/5 * * * *',
      run: async () => ({ ...(await runLifecyclePass(ctx)) }),
    },
    {
      name: 'release-lapsed-leases',
      // Floating seats whose lease lapsed are released within a minute, even if no device asks for one.
      cron: '* * * * *',
      run: async () => ({ released: await sweepLapsedLeases(ctx) }),
    },
    {
      name: 'retire-signing-keys',
      // Keys past their overlap already fail verification; this marks them retired, with an event.
      cron: '7 * * * *',
      run: async () => ({ retired: await retireExpiredKeys(ctx) }),
    },
    {
      name: 'sweep-idempotency-keys',
      // Idempotency claims answer for 24 hours; the sealed responses are dropped after that.
      cron: '*/10 * * * *',
      run: async () => ({ dropped: await sweepIdempotencyKeys(ctx) }),
    },
    {
      name: 'sweep-request-nonces',
      cron: '37 * * * *',
      run: async () => ({ dropped: await sweepRequestNonces(ctx) }),
    },
  ];
}
