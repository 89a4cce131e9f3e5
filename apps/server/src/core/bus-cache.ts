import type { Bus, BusMessage } from './bus.js';
import type { Clock } from './clock.js';

/** What a bus message drops: the entries of one group (e.g. one license), every entry, or nothing. */
export type Invalidation = { group: string } | 'all' | undefined;

export interface BusCacheOptions<V> {
  bus: Bus;
  clock: Clock;
  /** Topic whose messages invalidate entries (published by any process after its change commits). */
  topic: string;
  /** How long an entry may be served without a message; bounds staleness should one be missed. */
  ttlMs: number;
  /** Most entries kept; the oldest goes first. */
  max: number;
  /** Which entries a message drops; without it, every message drops every entry. */
  invalidates?: (msg: BusMessage) => Invalidation;
  /** The group a value belongs to, for group invalidation (e.g. its license id). */
  groupOf?: (value: V) => string;
}

interface Entry<V> {
  value: V;
  at: number;
  stamp: number;
}

/**
 * A per-process cache that every process keeps true by listening on the bus: a change anywhere drops
 * the entries it touches, a TTL on the injected clock bounds staleness otherwise. A load that overlapped
 * an invalidation is returned but not kept, so it can never re-cache the row the change replaced.
 */
export class BusCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Per group, how many invalidations it has seen; an entry is good while its group's count is unchanged. */
  private readonly generations = new Map<string, number>();
  /** Bumped by every invalidation: a load that saw it change does not keep its result. */
  private changes = 0;
  /** Bumped when everything is dropped. */
  private epoch = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: BusCacheOptions<V>) {
    this.unsubscribe = opts.bus.subscribe(opts.topic, (msg) => {
      const what = opts.invalidates ? opts.invalidates(msg) : 'all';
      if (what === 'all') this.clear();
      else if (what) this.invalidateGroup(what.group);
    });
  }

  /** The cached value while it is fresh. */
  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.opts.clock.now().getTime() - hit.at < this.opts.ttlMs && hit.stamp === this.stampOf(hit.value))
      return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * The fresh cached value, else `load()`'s, kept unless an invalidation arrived meanwhile: of `group`
   * when the caller knows the value's group before loading it, else of anything.
   */
  async load(
    key: K,
    load: () => Promise<V | undefined>,
    opts: { fresh?: boolean; group?: string } = {},
  ): Promise<V | undefined> {
    if (!opts.fresh) {
      const hit = this.get(key);
      if (hit !== undefined) return hit;
    }
    const changesBefore = this.changes;
    const stampBefore = opts.group === undefined ? undefined : this.groupStamp(opts.group);
    const value = await load();
    if (value === undefined) return value;
    const unchanged =
      stampBefore === undefined ? this.changes === changesBefore : this.stampOf(value) === stampBefore;
    if (unchanged) this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.opts.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, at: this.opts.clock.now().getTime(), stamp: this.stampOf(value) });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  invalidateGroup(group: string): void {
    this.changes++;
    // Bounded: past `max` groups, forgetting them all is the same as dropping everything.
    if (this.generations.size >= this.opts.max) this.clear();
    else this.generations.set(group, (this.generations.get(group) ?? 0) + 1);
  }

  clear(): void {
    this.changes++;
    this.epoch++;
    this.entries.clear();
    this.generations.clear();
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private stampOf(value: V): number {
    return this.groupStamp(this.opts.groupOf?.(value));
  }

  private groupStamp(group: string | undefined): number {
    return this.epoch * 1e9 + (group === undefined ? 0 : (this.generations.get(group) ?? 0));
  }
}
