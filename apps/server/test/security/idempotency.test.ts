import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sweepIdempotencyKeys } from '../../src/http/idempotency.js';
import { createTestAccount, useServer } from '../support/server.js';

// Issue N, idempotency: a key belongs to its caller, a replay is authorised again, the stored response is
// sealed, and the key answers for 24 hours only.

const world = useServer({ accounts: 0 });

function mintKey(token: string, idempotencyKey: string, name = 'ci') {
  return world.server.request('POST', '/api/v1/api-keys', {
    token,
    body: { name, role: 'developer' },
    headers: { 'idempotency-key': idempotencyKey },
  });
}

async function userId(token: string): Promise<string> {
  return (await world.server.request('GET', '/api/v1/auth/me', { token })).body.user.id;
}

describe('Idempotency-Key', () => {
  it("never replays one caller's response to another caller of the same account", async () => {
    const account = await createTestAccount(world.server);
    const key = `k-${randomUUID()}`;
    const first = await mintKey(await account.token('owner'), key);
    expect(first.status).toBe(201);
    // The attacker, an admin of the same account, guesses or reads the key and replays the request.
    const replayed = await mintKey(await account.token('admin'), key);
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBeNull();
    expect(replayed.body.id).not.toBe(first.body.id);
    expect(replayed.body.secret).not.toBe(first.body.secret);
    // The same caller still gets its own response back.
    const retry = await mintKey(await account.token('owner'), key);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.secret).toBe(first.body.secret);
  });

  it('authorises a replay again: a caller who lost the right gets 403, not the stored response', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const admin = await account.token('admin');
    const key = `k-${randomUUID()}`;
    expect((await mintKey(admin, key)).status).toBe(201);
    const demoted = await world.server.request('PATCH', `/api/v1/users/${await userId(admin)}`, {
      token: owner,
      body: { role: 'read_only' },
    });
    expect(demoted.status).toBe(200);
    const replay = await mintKey(admin, key);
    expect([replay.status, replay.body.error?.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('stores no secret in clear: the key table holds neither the API-key secret nor the license key', async () => {
    const account = await createTestAccount(world.server, { demo: true });
    const token = await account.token('owner');
    const minted = await mintKey(token, `k-${randomUUID()}`);
    const plan = (await world.server.request('GET', '/api/v1/plans', { token })).body.data[0];
    const license = await world.server.request('POST', '/api/v1/licenses', {
      token,
      body: { plan_id: plan.id },
      headers: { 'idempotency-key': `k-${randomUUID()}` },
    });
    expect(license.status).toBe(201);
    const rows = await world.server.ctx.db.sql<{ row: string }[]>`
      select i::text as row from idempotency_keys i where account_id = ${account.accountId}`;
    expect(rows).toHaveLength(2);
    const stored = rows.map((r) => r.row).join('\n');
    expect(stored).not.toContain(minted.body.secret);
    expect(stored).not.toContain(license.body.key);
  });

  it('answers for 24 hours: after that the key is free again, and the sweep drops it', async () => {
    const account = await createTestAccount(world.server);
    const token = await account.token('owner');
    const key = `k-${randomUUID()}`;
    const first = await mintKey(token, key, 'first');
    const expiry = await world.server.ctx.db.sql<{ hours: number }[]>`
      select extract(epoch from expires_at - created_at) / 3600 as hours from idempotency_keys
      where account_id = ${account.accountId} and key = ${key}`;
    expect(Number(expiry[0]!.hours)).toBe(24);
    // Another body within the window is a reuse; once the window has closed it is a new request.
    expect((await mintKey(token, key, 'second')).status).toBe(422);
    await world.server.ctx.db.sql`
      update idempotency_keys set expires_at = now() - interval '1 second'
      where account_id = ${account.accountId} and key = ${key}`;
    const second = await mintKey(token, key, 'second');
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);

    const other = `k-${randomUUID()}`;
    await mintKey(token, other, 'third');
    await world.server.ctx.db.sql`
      update idempotency_keys set expires_at = now() - interval '1 second'
      where account_id = ${account.accountId} and key = ${other}`;
    expect(await sweepIdempotencyKeys(world.server.ctx)).toBeGreaterThanOrEqual(1);
    const left = await world.server.ctx.db.sql`
      select 1 from idempotency_keys where account_id = ${account.accountId} and key = ${other}`;
    expect(left).toHaveLength(0);
  });
});
