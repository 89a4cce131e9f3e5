import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { AppContext } from '../core/context.js';
import { type OpenOptions, openProcess } from './open-process.js';

export interface RunningBackground {
  ctx: AppContext;
  close(): Promise<void>;
}

/**
 * A process that does Keyward's background work and serves nothing (`keyward worker`, and the
 * background worker of `serve --workers N`): the job queue and its schedule, webhook deliveries, email,
 * Stripe events, event sealing. Beside servers started with KEYWARD_JOBS=off, the lifecycle pass and
 * the compliance scan no longer share an event loop with requests (B13: validate p99 while they run).
 */
export async function startBackground(config: Config, opts: OpenOptions = {}): Promise<RunningBackground> {
  if (config.jobs === 'off')
    throw new ConfigError(
      'A worker with KEYWARD_JOBS=off has nothing to do: unset it (or set all, or work) for the worker, and set off for the servers beside it',
    );
  const { ctx, keyward, close } = await openProcess(config, opts);
  try {
    await keyward.start();
    await keyward.parts.jobs.ready();
  } catch (err) {
    await close();
    throw err;
  }
  return { ctx, close };
}
