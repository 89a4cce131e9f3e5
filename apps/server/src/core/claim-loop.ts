/** What a claim loop is told: how to claim work (up to `limit` items) and how to do one item. */
export interface ClaimLoopOptions<T> {
  claim: (limit: number) => Promise<T[]>;
  handle: (item: T) => Promise<void>;
  /** Items claimed at once. */
  batch: number;
  /** Items in hand at most (claimed and not yet done). */
  maxInFlight: number;
  /** How often an idle loop looks for work: work nobody announced waits at most this long. */
  idleMs: number;
  /**
   * Listens for announcements of new work (`onWorkQueued`), each of which makes the loop look at once;
   * returns how to stop listening. Without it (or while it fails), new work waits for the next look.
   */
  wakeOn?: (wake: () => void) => Promise<() => Promise<void>>;
  onError: (err: unknown) => void;
}

/**
 * Background work taken from a table by claims (rows leased with `for update skip locked`, so several
 * processes share it and a dead one's claims come back): claims while there is room, handles each
 * item on its own, claims again at once while work keeps coming, and looks again every `idleMs` when
 * there is none. Webhook deliveries and email sending run on it.
 */
export class ClaimLoop<T> {
  private running = false;
  private loop: Promise<void> | null = null;
  private inFlight = 0;
  private wake: (() => void) | null = null;
  /** The last claim found less than it asked for: nothing more is due until the next look. */
  private drained = false;
  /** Work was announced since the last claim began: that claim may have been too early to see it. */
  private nudged = false;
  private listening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(private readonly o: ClaimLoopOptions<T>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.listening = this.o
      .wakeOn?.(() => this.nudge())
      .catch((err) => {
        this.o.onError(err);
        return undefined;
      });
    this.loop = this.pump();
  }

  /** Stops claiming and waits, up to `graceMs`, for the items in hand to be done. */
  async stop(graceMs: number): Promise<void> {
    this.running = false;
    this.wake?.();
    await (await this.listening)?.().catch(this.o.onError);
    await this.loop;
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** Looks for work now (some was announced, or made by this process). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async pump(): Promise<void> {
    while (this.running) {
      let claimed: T[] = [];
      const room = this.o.maxInFlight - this.inFlight;
      if (room > 0) {
        try {
          const limit = Math.min(this.o.batch, room);
          this.nudged = false;
          claimed = await this.o.claim(limit);
          this.drained = claimed.length < limit;
        } catch (err) {
          this.o.onError(err);
        }
      }
      this.inFlight += claimed.length;
      for (const item of claimed) this.handleReserved(item);
      const full = this.inFlight >= this.o.maxInFlight;
      // Announced while claiming: look again rather than wait out the idle time.
      if ((claimed.length === 0 && !this.nudged) || full) await this.pause(this.o.idleMs);
    }
  }

  /**
   * Takes up to `n` places in hand, while the loop runs, for items this process leased itself (when it
   * wrote them, so no claim is needed): each place taken is given back by `handleReserved` or `release`.
   */
  reserve(n: number): number {
    if (!this.running) return 0;
    const taken = Math.max(0, Math.min(n, this.o.maxInFlight - this.inFlight));
    this.inFlight += taken;
    return taken;
  }

  /** Handles an item in a place taken for it; the place is given back when it is done. */
  handleReserved(item: T): void {
    void this.o
      .handle(item)
      .catch(this.o.onError)
      .finally(() => this.release(1));
  }

  /** Gives back `n` places. */
  release(n: number): void {
    this.inFlight -= n;
    // Room for more only matters while work is waiting: after a claim that drained what was due, a
    // finished item would only buy an empty claim (one per item at a trickle).
    if (!this.drained) this.wake?.();
  }

  /** Waits `ms`, or less when an item is done, a nudge comes, or the loop stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
