import type { ClientContext } from './context.js';
import { ClockTamperError } from './errors.js';
import { CLOCK_SKEW_MS } from './license-file.js';
import { queueReport } from './reports.js';

const CLOCK_KEY = 'clock';

/**
 * Clock-rollback detection: the latest time seen is persisted; a clock earlier than that (beyond a
 * few minutes) is refused, so setting the date back cannot stretch an offline license.
 */
export async function guardClock(ctx: ClientContext): Promise<Date> {
  const now = ctx.clock();
  const seen = Number((await ctx.storage.get(CLOCK_KEY)) ?? 0);
  if (now.getTime() < seen - CLOCK_SKEW_MS) {
    const reason = `This machine's clock (${now.toISOString()}) is behind a time already seen (${new Date(seen).toISOString()})`;
    ctx.emit('clock.tamper', { reason });
    await queueReport(ctx, {
      kind: 'clock_tamper',
      details: { clock: now.toISOString(), last_seen: new Date(seen).toISOString() },
    });
    throw new ClockTamperError('CLOCK_TAMPER', `${reason}: correct the clock and try again`);
  }
  if (now.getTime() > seen) await ctx.storage.set(CLOCK_KEY, String(now.getTime()));
  return now;
}
