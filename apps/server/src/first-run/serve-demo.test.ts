import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type KeywardProcess, startKeyward } from '../../test/support/cli.js';
import { type FreshCliTarget, freshCliTarget } from '../../test/support/fresh-database.js';
import { DEMO_TIERS } from './demo-catalogue.js';

// `keyward serve --demo`, run as a user would: the demo catalogue lands in the default account at the
// first start, a second start finds it there, and a start without the flag leaves a new install empty.

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-serve-demo-'));
const targets: FreshCliTarget[] = [];
afterAll(async () => {
  for (const t of targets) await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ADMIN = { ADMIN_EMAIL: 'owner@demo.test', ADMIN_PASSWORD: 'quiet-violet-harbor-lantern-42' };

/** Starts `keyward serve …` on the target and waits until it prints that it is running. */
async function serve(target: FreshCliTarget, args: string[]) {
  const port = await freePort();
  const run = startKeyward(
    ['serve', ...args],
    {
      ...target.env,
      ...ADMIN,
      KEYWARD_MASTER_KEY: 'serve-demo-test-master-key-0123456789abcdef',
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    dir,
  );
  const deadline = Date.now() + 90_000;
  while (!run.output().includes('Keyward is running')) {
    if (run.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`serve did not start:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { run, base: `http://127.0.0.1:${port}` };
}

async function stop(run: KeywardProcess) {
  run.child.kill('SIGTERM');
  const exit = await run.exited;
  expect(exit.code, run.output()).toBe(0);
}

async function planCodes(base: string): Promise<string[]> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${base}/api/v1/plans?sort=rank`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return ((await res.json()) as { data: { code: string }[] }).data.map((p) => p.code);
}

describe('keyward serve --demo', () => {
  it('loads the demo catalogue into the default account once; without the flag a new install starts empty', async () => {
    const plain = await freshCliTarget();
    targets.push(plain);
    const empty = await serve(plain, []);
    try {
      expect(empty.run.output()).not.toContain('Demo data');
      expect(await planCodes(empty.base)).toEqual([]);
    } finally {
      await stop(empty.run);
    }

    const target = await freshCliTarget();
    targets.push(target);
    const first = await serve(target, ['--demo']);
    try {
      expect(first.run.output()).toMatch(/Demo data\s+loaded into the default account/);
      expect(await planCodes(first.base)).toEqual(DEMO_TIERS.map((t) => t.code));
    } finally {
      await stop(first.run);
    }
    const second = await serve(target, ['--demo']);
    try {
      expect(second.run.output()).toMatch(/Demo data\s+already loaded/);
      expect(await planCodes(second.base)).toEqual(DEMO_TIERS.map((t) => t.code));
    } finally {
      await stop(second.run);
    }
    const opened = await target.open();
    try {
      const events = await opened.db.sql<{ type: string; actor_type: string }[]>`
        select e.type, e.actor_type from events e join accounts a on a.id = e.account_id
        where a.slug = 'default' and e.type in ('product.created', 'plan.created')`;
      expect(events).toHaveLength(1 + DEMO_TIERS.length);
      expect(events.every((e) => e.actor_type === 'system')).toBe(true);
    } finally {
      await opened.close();
    }
  }, 300_000);
});
