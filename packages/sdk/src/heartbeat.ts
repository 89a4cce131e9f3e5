import type { ClientContext } from './context.js';
import { refused } from './online.js';
import type { CallAnswer, CallBody } from './wire.js';

/** Beats every `intervalMs`; failures retry with jittered exponential backoff. Returns the stop function. */
export function startHeartbeat(
  ctx: ClientContext,
  opts: { intervalMs?: number; maxBackoffMs?: number; metrics?: () => Record<string, unknown> },
): () => void {
  const interval = opts.intervalMs ?? 3_600_000;
  const maxBackoff = opts.maxBackoffMs ?? interval;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(beat, ms);
    // The loop alone must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  const beat = async () => {
    try {
      await heartbeat(ctx, opts.metrics?.());
      failures = 0;
      schedule(interval);
    } catch (err) {
      failures++;
      const retryInMs =
        Math.min(maxBackoff, 1_000 * 2 ** Math.min(failures, 20)) * (0.8 + Math.random() * 0.4);
      ctx.emit('heartbeat.failed', { error: (err as Error).message, retryInMs });
      schedule(retryInMs);
    }
  };
  schedule(0);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/**
 * One heartbeat: keeps the seat alive and counts as an online check for the offline grace. Returns the
 * server's answer (undefined for a license-file install, which has no seat online).
 */
export async function heartbeat(
  ctx: ClientContext,
  metrics?: Record<string, unknown>,
): Promise<CallAnswer<'heartbeat'> | undefined> {
  const s = await ctx.loadActivated();
  if (!s.token) return undefined;
  const res = await ctx.post('heartbeat', {
    token: s.token,
    device_id: s.deviceId,
    // The app's metrics go as given; the server refuses values it does not take.
    ...(metrics ? { metrics: metrics as CallBody<'heartbeat'>['metrics'] } : {}),
  });
  const now = ctx.clock();
  if (!res.valid) throw await refused(ctx, s, res, now);
  s.refusal = undefined;
  s.lastOnlineAt = now.toISOString();
  await ctx.store.save(s);
  return res;
}
