import type { ClientContext } from './context.js';
import { KeywardError, serverDidNotAnswer } from './errors.js';
import type { Stored } from './store.js';
import type { CallAnswer } from './wire.js';

/** What trackUsage() answers: the server's count, or that the use was queued while offline. */
export type UsageAnswer =
  | ({ queued: false } & CallAnswer<'usage'>)
  | { queued: true; feature: string; pending: number };

/**
 * Records `count` uses of a metered feature. Online, the server counts it against the quota and says
 * whether it was within it (`allowed`). Offline or while the server is busy, the uses are kept (summed
 * per feature) and sent with the next successful call; the answer says `queued: true`.
 */
export async function trackUsage(ctx: ClientContext, feature: string, count: number): Promise<UsageAnswer> {
  const s = await ctx.loadActivated();
  if (!s.token)
    throw new KeywardError(
      'NOT_ACTIVATED',
      'Usage is recorded online: this install has a license file, no online seat',
    );
  await flushUsage(ctx, s);
  try {
    const res = await ctx.post('usage', { token: s.token, feature, count });
    return { queued: false, ...res };
  } catch (err) {
    if (!serverDidNotAnswer(err)) throw err;
    s.pendingUsage ??= {};
    const pending = s.pendingUsage;
    pending[feature] = (pending[feature] ?? 0) + count;
    await ctx.store.save(s);
    return { queued: true, feature, pending: pending[feature] };
  }
}

/** Sends the uses kept while offline; stops at the first failure to reach the server and keeps the rest. */
export async function flushUsage(ctx: ClientContext, s: Stored): Promise<void> {
  if (!s.token || !s.pendingUsage) return;
  for (const [feature, count] of Object.entries(s.pendingUsage)) {
    try {
      await ctx.post('usage', { token: s.token, feature, count });
    } catch (err) {
      if (serverDidNotAnswer(err)) return; // try again later
      // Refused (unknown feature, invalid license): the server will not take it, so it is dropped.
    }
    delete s.pendingUsage[feature];
    await ctx.store.save(s);
  }
  if (Object.keys(s.pendingUsage).length === 0) {
    s.pendingUsage = undefined;
    await ctx.store.save(s);
  }
}
