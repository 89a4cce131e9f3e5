import type { AppContext } from '../core/context.js';

/** Topic every process hears when a license or its seats change (caches drop it; sockets are told). */
export const LICENSE_CHANGED = 'license.changed';

export interface LicenseChange {
  license_id: string;
  /** license.updated, license.suspended, license.revoked, license.expired, activation.deactivated … */
  event: string;
  activation_id?: string;
  /** The feature whose quota ran out (license.limit_exceeded). */
  feature?: string;
}

/** Call after the transaction commits, so no process reloads the old row. */
export async function publishLicenseChanged(
  ctx: AppContext,
  accountId: string,
  change: LicenseChange,
): Promise<void> {
  try {
    await ctx.bus.publish({ topic: LICENSE_CHANGED, accountId, data: { ...change } });
  } catch (err) {
    // The change is committed; caches also expire on their own (see validation/cache.ts).
    ctx.log.warn({ err: (err as Error).message }, 'could not publish license change');
  }
}
