import type { ClientContext } from './context.js';
import { serverDidNotAnswer } from './errors.js';
import type { Stored } from './store.js';
import type { Report } from './wire.js';

/** Keeps a report (the last 20 at most) and sends what is pending; nothing is kept before activation. */
export async function queueReport(ctx: ClientContext, report: Report): Promise<void> {
  const s = await ctx.store.load();
  if (!s) return;
  s.pendingReports.push(report);
  s.pendingReports = s.pendingReports.slice(-20);
  await ctx.store.save(s);
  await flushReports(ctx, s);
}

/**
 * Sends pending reports in order. When the server cannot answer (unreachable, 5xx, rate limited) the
 * rest is kept for later; a report the server refuses as such is dropped (sending it again would not help).
 */
export async function flushReports(ctx: ClientContext, s: Stored): Promise<void> {
  while (s.pendingReports.length > 0) {
    const report = s.pendingReports[0]!;
    try {
      await ctx.post('report', { license_key: s.licenseKey, device_id: s.deviceId, ...report });
    } catch (err) {
      if (serverDidNotAnswer(err)) return; // try again later
    }
    s.pendingReports.shift();
    await ctx.store.save(s);
  }
}
