import { sweepLapsedLeases } from '../activations/service.js';
import { runRevenueSnapshots } from '../analytics/revenue-snapshots.js';
import { runComplianceScan } from '../compliance/scan.js';
import type { AppContext } from '../core/context.js';
import { sweepIdempotencyKeys } from '../http/idempotency.js';
import { type JobDefinition, runAccount } from '../jobs/runner.js';
import { runRetention } from '../lifecycle/retention.js';
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
      description: 'Expires licenses whose grace ended, ends trials, gives expiry and trial reminders once',
      // A license's stored state is at most 5 minutes behind its dates.
      cron: '*/5 * * * *',
      run: async (data) => ({ ...(await runLifecyclePass(ctx, runAccount(data))) }),
      // Cheap to run again and idempotent: a failed or interrupted pass is retried soon.
      retryDelay: 5,
    },
    {
      name: 'release-lapsed-leases',
      description: 'Releases floating seats whose lease was not renewed in time',
      // Within a minute, even if no device asks for a seat.
      cron: '* * * * *',
      run: async (data) => ({ released: await sweepLapsedLeases(ctx, runAccount(data)) }),
    },
    {
      name: 'retention',
      description: 'Deletes usage-log rows past the retention setting, archives seats that ended 90 days ago',
      cron: '17 3 * * *',
      run: async (data) => runRetention(ctx, runAccount(data)),
    },
    {
      name: 'compliance-scan',
      description:
        'Audits every account for compliance: over-deployment, use after expiry, key sharing, tampering reports',
      // Daily, after retention; the detectors look back 7 days, so a missed run is caught up.
      cron: '47 3 * * *',
      run: async (data) => runComplianceScan(ctx, runAccount(data)),
    },
    {
      name: 'retire-signing-keys',
      description: 'Marks signing keys past their overlap as retired',
      // They already fail verification; this records it, with an event.
      cron: '7 * * * *',
      run: async () => ({ retired: await retireExpiredKeys(ctx) }),
    },
    {
      name: 'revenue-snapshots',
      description: "Stores each day's MRR, its movements, churn and trials per currency, plan and cycle",
      // Hourly: today's figures (the charts' last point) are at most an hour old; past days are kept.
      cron: '23 * * * *',
      run: async (data) => runRevenueSnapshots(ctx, runAccount(data)),
    },
    {
      name: 'sweep-idempotency-keys',
      description: 'Drops idempotency claims older than 24 hours',
      cron: '*/10 * * * *',
      run: async () => ({ dropped: await sweepIdempotencyKeys(ctx) }),
    },
    {
      name: 'sweep-request-nonces',
      description: 'Drops offline activation request nonces past their window',
      cron: '37 * * * *',
      run: async () => ({ dropped: await sweepRequestNonces(ctx) }),
    },
  ];
}
