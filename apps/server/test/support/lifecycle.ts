import { expect } from 'vitest';
import type { LifecycleSummary } from '../../src/lifecycle/service.js';
import type { TestServer } from './server.js';

/**
 * One lifecycle run through the job queue, as the schedule makes it, for one account only (test files
 * share the database, on other clocks); returns its summary.
 */
export async function lifecyclePass(server: TestServer, accountId: string): Promise<LifecycleSummary> {
  const { jobs } = server.parts;
  const data = { account_id: accountId };
  let id = await jobs.enqueue('lifecycle', data);
  // A run may be waiting already (the queue holds one per account): it would do the same; wait it out.
  while (!id) {
    await new Promise((r) => setTimeout(r, 200));
    id = await jobs.enqueue('lifecycle', data);
  }
  const run = await jobs.waitFor('lifecycle', id);
  expect(run.state, JSON.stringify(run.output)).toBe('completed');
  return run.output as unknown as LifecycleSummary;
}
