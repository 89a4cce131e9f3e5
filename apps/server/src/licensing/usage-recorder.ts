import type { AppContext } from '../core/context.js';

export type UsageKind = 'activation' | 'validation' | 'heartbeat' | 'sync' | 'usage' | 'deactivation';

interface PendingTouch {
  accountId: string;
  validatedAt?: Date;
  heartbeatAt?: Date;
  metrics?: Record<string, unknown>;
}

const MAX_PENDING = 50_000;

interface PendingEvent {
  accountId: string;
  licenseId: string | null;
  activationId: string | null;
  kind: UsageKind;
  success: boolean;
  code: string;
  ip: string | null;
  at: Date;
  count: number;
}

/**
 * Batches the writes of the validation path (usage log rows, last-seen times, heartbeat metrics)
 * so a validation costs no database round trip. Flushed every second and on shutdown; a crash
 * loses at most one interval of last-seen times, never a seat or a license change.
 */
export class UsageRecorder {
  /** Pending rows keyed by seat + kind + outcome; repeats within an interval only bump the count. */
  private events = new Map<string, PendingEvent>();
  private touches = new Map<string, PendingTouch>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly ctx: AppContext) {}

  record(e: {
    accountId: string;
    licenseId?: string | null;
    activationId?: string | null;
    kind: UsageKind;
    success: boolean;
    code: string;
    ip?: string | null;
  }) {
    const key = `${e.activationId ?? e.licenseId ?? e.accountId}|${e.kind}|${e.code}`;
    const pending = this.events.get(key);
    if (pending) {
      pending.count++;
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
      at: this.ctx.clock.now(),
      count: 1,
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

  /** Writes everything pending in two statements. On failure the batch is put back for the next try. */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async doFlush() {
    const events = [...this.events.values()];
    const pendingEvents = this.events;
    const touches = this.touches;
    this.events = new Map();
    this.touches = new Map();
    const sql = this.ctx.db.sql;
    try {
      if (events.length > 0) {
        // The rows and their hourly sums (usage_hourly, what the time series read) in one statement.
        // Sums are added in key order, so two processes flushing at once cannot deadlock.
        await sql`
          with added as (
            insert into usage_events (account_id, license_id, activation_id, kind, success, code, ip, at, count)
            select * from unnest(${events.map((e) => e.accountId)}::uuid[], ${events.map((e) => e.licenseId) as string[]}::uuid[],
              ${events.map((e) => e.activationId) as string[]}::uuid[], ${events.map((e) => e.kind)}::text[],
              ${events.map((e) => (e.success ? 'true' : 'false'))}::text[]::boolean[], ${events.map((e) => e.code)}::text[],
              ${events.map((e) => e.ip) as string[]}::text[], ${events.map((e) => e.at.toISOString())}::timestamptz[],
              ${events.map((e) => String(e.count))}::text[]::int[])
            returning account_id, kind, success, count, at)
          insert into usage_hourly (account_id, kind, hour, total, failed)
          select account_id, kind, date_trunc('hour', at), sum(count), sum(case when success then 0 else count end)
          from added group by 1, 2, 3 order by 1, 2, 3
          on conflict (account_id, kind, hour) do update
            set total = usage_hourly.total + excluded.total, failed = usage_hourly.failed + excluded.failed`;
      }
      if (touches.size > 0) {
        const ids = [...touches.keys()];
        const list = [...touches.values()];
        await sql`
          update activations a set
            last_validated_at = greatest(a.last_validated_at, v.validated_at),
            last_heartbeat_at = greatest(a.last_heartbeat_at, v.heartbeat_at),
            usage_metrics = case when v.metrics is null then a.usage_metrics else a.usage_metrics || v.metrics::jsonb end
          from unnest(${ids}::uuid[], ${list.map((t) => t.validatedAt?.toISOString() ?? null) as string[]}::timestamptz[],
                      ${list.map((t) => t.heartbeatAt?.toISOString() ?? null) as string[]}::timestamptz[],
                      ${list.map((t) => (t.metrics ? JSON.stringify(t.metrics) : null)) as string[]}::text[])
            as v(id, validated_at, heartbeat_at, metrics)
          where a.id = v.id`;
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
