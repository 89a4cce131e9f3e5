import { Batcher, batchesInFlight } from '../core/batcher.js';
import type { Database } from '../db/database.js';
import { type SeatOutcome, type SeatRequest, takeSeats } from './repository.js';

/** Largest batch per statement: bigger ones hold their license locks longer for little gain. */
const MAX_BATCH = 64;

/**
 * Takes seats for the activations that arrive together in one `keyward_take_seats` statement and one
 * commit (group commit, `core/batcher.ts`). Each request still gets its own outcome, and a response is
 * sent only after its seat is durable.
 */
export class SeatBatcher {
  private readonly batcher: Batcher<SeatRequest, SeatOutcome>;

  constructor({ sql, kind }: Database) {
    this.batcher = new Batcher(
      async (requests) => {
        const rows = await takeSeats(
          sql,
          requests.map((r, i) => ({ i, ...r })),
        );
        const outcomes: SeatOutcome[] = new Array(requests.length);
        for (const row of rows) outcomes[row.i] = row;
        return outcomes;
      },
      MAX_BATCH,
      batchesInFlight(kind),
    );
  }

  take(request: SeatRequest): Promise<SeatOutcome> {
    return this.batcher.submit(request);
  }
}
