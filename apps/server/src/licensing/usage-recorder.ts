import type { AppContext } from '../core/context.js';
import { SerialFlush } from '../core/serial-flush.js';
import {
  insertUsageEvents,
  type PendingEvent,
  type PendingTouch,
  touchSeats,
  type UsageKind,
} from './usage-repository.js';

export type { UsageKind } from './usage-repository.js';

const MAX_PENDING = 50_000;

/**
 * Batches the writes of the validation path (usage log rows, last-seen times, heartbeat metrics)
 * so a validation costs no database round trip. Flushed every second and on shutdown; a crash
 * loses at most one interval of last-seen times, never a seat or a license change.
 */
export class UsageRecorder {
  /** Pending rows keyed by seat + kind + outcome + place; repeats within an interval only bump the count. */
  private events = new Map<string, PendingEvent>();
  private touches = new Map<string, PendingTouch>();
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new SerialFlush(() => this.doFlush());

  constructor(private readonly ctx: AppContext) {}

  record(e: {
    accountId: string;
    licenseId?: string | null;
    activationId?: string | null;
    kind: UsageKind;
    success: boolean;
    code: string;
    ip?: string | null;
    country?: string | null;
    /** How many this row counts (quota consumed: the amount granted); 1 otherwise. */
    count?: number;
  }) {
    // Calls from another place are another row: the compliance scan counts a key's places (key sharing).
    const key = `${e.activationId ?? e.licenseId ?? e.accountId}|${e.kind}|${e.code}|${e.ip ?? ''}|${e.country ?? ''}`;
    const pending = this.events.get(key);
    if (pending) {
      pending.count += e.count ?? 1;
      return;
    }
    if (this.events.size >= MAX_PENDING) return; // analytics rows are the first thing shed under overload
    this.events.set(key, {
      accountId: e.accountId,
      licenseId: e.licenseId ?? null,
      activationId: e.activationId ?? null,
      kind: e.kind,
      success: e.success,
      code: e.code,
      ip: e.ip ?? null,
      country: e.country ?? null,
      at: this.ctx.clock.now(),
      count: e.count ?? 1,
    });
  }

  /** Remembers that a seat was seen; heartbeat metrics are merged into the seat's usage_metrics. */
  touch(
    accountId: string,
    activationId: string,
    kind: 'validation' | 'heartbeat',
    metrics?: Record<string, unknown>,
  ) {
    const now = this.ctx.clock.now();
    const t = this.touches.get(activationId) ?? { accountId };
    if (kind === 'heartbeat') t.heartbeatAt = now;
    t.validatedAt = now;
    if (metrics) t.metrics = { ...(t.metrics ?? {}), ...metrics };
    this.touches.set(activationId, t);
  }

  start(intervalMs = 1000) {
    this.timer = setInterval(() => {
      this.flush().catch((err) =>
        this.ctx.log.warn({ err: (err as Error).message }, 'usage flush failed; will retry'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Writes everything recorded before the call. On failure the batch is put back for the next try. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  private async doFlush() {
    const events = [...this.events.values()];
    const pendingEvents = this.events;
    const touches = this.touches;
    this.events = new Map();
    this.touches = new Map();
    const sql = this.ctx.db.system; // every account's rows, whichever request asked for the flush
    try {
      if (events.length > 0) {
        await insertUsageEvents(sql, events);
      }
      if (touches.size > 0) {
        await touchSeats(sql, touches);
      }
    } catch (err) {
      // Keep the batch (bounded) so a database blip does not lose it.
      for (const [k, e] of pendingEvents)
        if (!this.events.has(k) && this.events.size < MAX_PENDING) this.events.set(k, e);
      for (const [id, t] of touches) if (!this.touches.has(id)) this.touches.set(id, t);
      throw err;
    }
  }
}
