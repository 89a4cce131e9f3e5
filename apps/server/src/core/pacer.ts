import { setTimeout } from 'node:timers/promises';

/**
 * Runs the batches of background work (the lifecycle pass, retention) at a duty cycle: after each batch
 * it rests in proportion to how long the batch took, so requests arriving meanwhile find the database
 * and the cores free for most of the time. A pass takes about 1/duty as long; a batch that took no time
 * costs no rest.
 */
export class Pacer {
  private readonly restPerBusy: number;

  constructor(
    duty: number,
    private readonly maxRestMs = 1000,
  ) {
    this.restPerBusy = 1 / duty - 1;
  }

  async run<T>(batch: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await batch();
    } finally {
      const rest = Math.min(this.maxRestMs, (performance.now() - started) * this.restPerBusy);
      if (rest >= 1) await setTimeout(rest);
    }
  }
}

/** The background passes work half the time: B13 measures validation latency while one runs. */
export const backgroundPacer = () => new Pacer(0.5);
