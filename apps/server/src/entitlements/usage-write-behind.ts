import { SerialFlush } from '../core/serial-flush.js';
import type { Queryable } from '../db/database.js';
import { addUsage } from './repository.js';

interface Delta {
  licenseId: string;
  feature: string;
  periodStart: Date;
  delta: number;
}

/** Usage accepted but not yet in PostgreSQL, as the PostgreSQL counter needs to see it. */
export interface Unflushed {
  count(licenseId: string, feature: string, periodStart: Date): number;
  ofLicense(licenseId: string): Delta[];
}

export const NOTHING_UNFLUSHED: Unflushed = { count: () => 0, ofLicense: () => [] };

// A uuid first and a fixed-length ISO time last: no two (license, feature, period) share a key.
const keyOf = (licenseId: string, feature: string, periodStart: Date) =>
  `${licenseId}|${feature}|${periodStart.toISOString()}`;

/**
 * Consumptions Redis accepted, summed per (license, feature, period) and added to `usage_counters`
 * about every second in one statement, and on shutdown. PostgreSQL stays the durable record that
 * summaries, exports and a restarted Redis (seeding) read.
 */
export class UsageWriteBehind implements Unflushed {
  private pending = new Map<string, Delta>();
  /** The batch being written: still counted, so a reader never sees it in neither place. */
  private writing = new Map<string, Delta>();
  private readonly writes = new SerialFlush(() => this.write());
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sql: Queryable,
    private readonly warn: (message: string) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => {
      this.flush().catch((err) =>
        this.warn(`usage counter flush failed; will retry: ${(err as Error).message}`),
      );
    }, intervalMs);
    this.timer.unref();
  }

  add(licenseId: string, feature: string, periodStart: Date, amount: number) {
    const key = keyOf(licenseId, feature, periodStart);
    const d = this.pending.get(key);
    if (d) d.delta += amount;
    else this.pending.set(key, { licenseId, feature, periodStart, delta: amount });
  }

  /** May count a batch twice while its write commits: errs toward refusing, never toward overshooting. */
  count(licenseId: string, feature: string, periodStart: Date) {
    const key = keyOf(licenseId, feature, periodStart);
    return (this.pending.get(key)?.delta ?? 0) + (this.writing.get(key)?.delta ?? 0);
  }

  ofLicense(licenseId: string): Delta[] {
    const out = new Map<string, Delta>();
    for (const map of [this.pending, this.writing])
      for (const [key, d] of map) {
        if (d.licenseId !== licenseId) continue;
        const seen = out.get(key);
        if (seen) seen.delta += d.delta;
        else out.set(key, { ...d });
      }
    return [...out.values()];
  }

  /** Writes everything added before the call (see SerialFlush). */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  async stop() {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write() {
    if (this.pending.size === 0) return;
    this.writing = this.pending;
    this.pending = new Map();
    try {
      await addUsage(this.sql, [...this.writing.values()]);
    } catch (err) {
      // Put the batch back (summed with what arrived meanwhile) for the next try.
      for (const d of this.writing.values()) this.add(d.licenseId, d.feature, d.periodStart, d.delta);
      throw err;
    } finally {
      this.writing = new Map();
    }
  }
}
