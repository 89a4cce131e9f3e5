import cluster from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * `serve --workers N`: a scrape lands on one worker, which asks the primary for the pool's metrics;
 * the primary gathers every worker's registry (prom-client's AggregatorRegistry, over the cluster's IPC
 * channel) and answers with them combined: counters and histograms summed, database-read gauges taken
 * once (`aggregator: 'max'`, business-metrics.ts).
 */
const ASK = 'keyward:metrics?';
const ANSWER = 'keyward:metrics!';
/** prom-client gives up on a worker that does not answer in 5 s; this worker waits a little longer. */
const WAIT_MS = 6_000;

interface Answer {
  type: typeof ANSWER;
  id: number;
  text: string | null;
}

const isAnswer = (m: unknown): m is Answer => (m as Answer | null)?.type === ANSWER;

/** A worker's side: its registry is what it reports, and it can ask for the whole pool's. */
export class PoolMetrics {
  private next = 0;
  private readonly waiting = new Map<number, (text: string | null) => void>();
  private readonly onMessage = (m: unknown) => {
    if (!isAnswer(m)) return;
    this.waiting.get(m.id)?.(m.text);
  };

  constructor(registry: Registry) {
    AggregatorRegistry.setRegistries([registry]);
    // Constructing one makes this worker answer the primary's requests for its registry.
    new AggregatorRegistry();
    process.on('message', this.onMessage);
  }

  /** The pool's metrics in Prometheus text, or null when the primary did not answer in time. */
  gather(): Promise<string | null> {
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), WAIT_MS);
      const settle = (text: string | null) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(text);
      };
      this.waiting.set(id, settle);
      process.send?.({ type: ASK, id });
    });
  }

  close() {
    process.off('message', this.onMessage);
    for (const settle of this.waiting.values()) settle(null);
  }
}

/**
 * A worker that serves no metrics of its own (the background worker) still answers the primary's
 * requests, with nothing: the primary waits for every worker's answer before it combines them.
 */
export function answerWithoutMetrics(): void {
  AggregatorRegistry.setRegistries([new Registry()]);
  new AggregatorRegistry();
}

/** The primary's side: answers each worker's request with every worker's metrics combined. */
export function answerPoolMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, m: { type?: string; id: number }) => {
    if (m?.type !== ASK) return;
    const reply = (text: string | null) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: m.id, text } satisfies Answer as never);
    };
    aggregator.clusterMetrics().then(reply, () => reply(null));
  });
}

/** True in a worker of `serve --workers N` (a process forked by node:cluster). */
export const inWorkerPool = () => cluster.isWorker;
