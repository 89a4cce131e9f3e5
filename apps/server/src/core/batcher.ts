/** One request waiting for its batch. */
interface Waiting<Req, Res> {
  request: Req;
  resolve: (r: Res) => void;
  reject: (e: unknown) => void;
}

/**
 * Batches in flight per process. On PostgreSQL one commits while the next gathers. The embedded engine
 * serves one connection, so a second batch only queues behind the first and splits what could be one
 * commit: heartbeats ran 1.18–1.27× faster there with one in flight, and 0.90× on PostgreSQL
 * (alternating rounds, two servers, bench/floor-lease.ts's load).
 */
export function batchesInFlight(engine: 'embedded' | 'postgres'): number {
  return engine === 'embedded' ? 1 : 2;
}
/** Deadlock and serialization failures roll the whole batch back; it is safe to run again. */
const RETRYABLE: ReadonlySet<string> = new Set(['40P01', '40001']);
const RETRIES = 3;

/**
 * Group commit: the requests that arrive together go to the database in one statement and one commit.
 * A request waits only for the batch it joins, and under load a batch carries every request that
 * arrived while the previous one was committing. `run` answers each request of a batch in order; when a
 * batch fails, each of its requests runs alone so one bad request fails alone.
 */
export class Batcher<Req, Res> {
  private queue: Array<Waiting<Req, Res>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly runBatch: (requests: Req[]) => Promise<Res[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Flushes on the next turn of the event loop, so requests parsed in the same turn share a batch. */
  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }

  private async run(batch: Array<Waiting<Req, Res>>) {
    try {
      const results = await this.attempt(batch.map((w) => w.request));
      for (const [i, w] of batch.entries()) w.resolve(results[i]!);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(batch.map((w) => this.run([w])));
    }
  }

  private async attempt(requests: Req[]): Promise<Res[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runBatch(requests);
      } catch (err) {
        if (attempt >= RETRIES || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }
}
