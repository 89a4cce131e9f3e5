import type { Sql } from '../db/database.js';
import { type SeatOutcome, type SeatRequest, takeSeats } from './repository.js';

interface Waiting {
  request: SeatRequest;
  resolve: (o: SeatOutcome) => void;
  reject: (e: unknown) => void;
}

/** Largest batch per statement: bigger ones hold their license locks longer for little gain. */
const MAX_BATCH = 64;
/** Batches in flight per process: one commits while the next gathers. */
const MAX_IN_FLIGHT = 2;
/** Deadlock and serialization failures roll the whole batch back; it is safe to run again. */
const RETRYABLE: ReadonlySet<string> = new Set(['40P01', '40001']);
const RETRIES = 3;

/**
 * Takes seats for the activations that arrive together in one statement and one commit (group
 * commit): a request waits only for the batch it joins, and under load a batch carries every request
 * that arrived while the previous one was committing. Each request still gets its own outcome, and a
 * response is sent only after its seat is durable.
 */
export class SeatBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly sql: Sql) {}

  take(request: SeatRequest): Promise<SeatOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes on the next turn of the event loop, so requests parsed in the same turn share a batch. */
  private schedule() {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }

  private async run(batch: Waiting[]) {
    try {
      const outcomes = await this.takeSeats(batch.map((w) => w.request));
      for (const [i, w] of batch.entries()) w.resolve(outcomes[i]!);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One bad request must not fail the others: each runs on its own and meets only its own error.
      await Promise.all(batch.map((w) => this.run([w])));
    }
  }

  private async takeSeats(requests: SeatRequest[]): Promise<SeatOutcome[]> {
    const items = requests.map((r, i) => ({ i, ...r }));
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await takeSeats(this.sql, items);
        const outcomes: SeatOutcome[] = new Array(requests.length);
        for (const row of rows) outcomes[row.i] = row;
        return outcomes;
      } catch (err) {
        if (attempt >= RETRIES || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }
}
