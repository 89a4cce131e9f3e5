import { describe, expect, it } from 'vitest';
import { createTestAccount, type TestAccount, useServer } from '../support/server.js';

// Issue N, role escalation: each case is the attacker's request and the refusal it must meet.

const world = useServer({ accounts: 0 });

async function me(account: TestAccount, role: Parameters<TestAccount['token']>[0]) {
  const token = await account.token(role);
  const res = await world.server.request('GET', '/api/v1/auth/me', { token });
  return { token, id: res.body.user.id as string };
}

async function mintKey(token: string, role: string) {
  return world.server.request('POST', '/api/v1/api-keys', { token, body: { name: `k-${role}`, role } });
}

describe("an owner's account is an owner's to change", () => {
  it("refuses an admin's change of an owner's password, name or status, and the owner still signs in", async () => {
    const account = await createTestAccount(world.server);
    const owner = await me(account, 'owner');
    const admin = await account.token('admin');
    for (const body of [
      { password: 'attacker-chosen-password' },
      { name: 'Mallory' },
      { status: 'disabled' },
    ]) {
      const res = await world.server.request('PATCH', `/api/v1/users/${owner.id}`, { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const login = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email: account.ownerEmail, password: account.ownerPassword },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.name).toBe('Owner');
  });

  it('lets an owner change another owner', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const other = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email: 'second-owner@example.test', role: 'owner', password: 'a-long-enough-password' },
    });
    expect(other.status).toBe(201);
    const res = await world.server.request('PATCH', `/api/v1/users/${other.body.id}`, {
      token: owner,
      body: { name: 'Second owner' },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Second owner');
  });
});

describe('an API key may do only what its creator may', () => {
  it('refuses a developer a sales or support key (permissions are not a ladder)', async () => {
    const account = await createTestAccount(world.server);
    const developer = await account.token('developer');
    for (const role of ['sales', 'support', 'admin']) {
      const res = await mintKey(developer, role);
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    for (const role of ['developer', 'read_only'])
      expect((await mintKey(developer, role)).status, role).toBe(201);
  });

  it("revokes a user's keys when the user is demoted, disabled or deleted", async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const works = async (secret: string) =>
      (await world.server.request('GET', '/api/v1/users', { token: secret })).status;

    // Demoted from admin to developer: the admin key goes, the developer key stays.
    const admin = await me(account, 'admin');
    const adminKey = (await mintKey(admin.token, 'admin')).body.secret as string;
    const devKey = (await mintKey(admin.token, 'developer')).body.secret as string;
    expect(await works(adminKey)).toBe(200);
    const demote = await world.server.request('PATCH', `/api/v1/users/${admin.id}`, {
      token: owner,
      body: { role: 'developer' },
    });
    expect(demote.status).toBe(200);
    expect(await works(adminKey)).toBe(401);
    expect(await works(devKey)).toBe(200);

    // Disabled: every key of theirs goes.
    const disable = await world.server.request('PATCH', `/api/v1/users/${admin.id}`, {
      token: owner,
      body: { status: 'disabled' },
    });
    expect(disable.status).toBe(200);
    expect(await works(devKey)).toBe(401);

    // Deleted: so does a key made by a user who is then removed.
    const support = await me(account, 'developer');
    const supportKey = (await mintKey(support.token, 'read_only')).body.secret as string;
    expect(await works(supportKey)).toBe(200);
    expect(
      (await world.server.request('DELETE', `/api/v1/users/${support.id}`, { token: owner })).status,
    ).toBe(204);
    expect(await works(supportKey)).toBe(401);

    const events = await world.server.request('GET', '/api/v1/events?type=api_key.revoked', { token: owner });
    expect(events.body.data.map((e: { data: { reason: string } }) => e.data.reason).sort()).toEqual([
      'creator_removed',
      'creator_removed',
      'creator_role_changed',
    ]);
  });
});

describe('a key made with a key answers to the same person and to that key', () => {
  it('stops when the key it was made with is revoked, down the line', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const first = (await mintKey(owner, 'admin')).body;
    const second = (await mintKey(first.secret, 'developer')).body;
    const third = (await mintKey(second.secret, 'read_only')).body;
    const works = async (secret: string) =>
      (await world.server.request('GET', '/api/v1/users', { token: secret })).status;
    expect([await works(second.secret), await works(third.secret)]).toEqual([200, 200]);
    const revoke = await world.server.request('DELETE', `/api/v1/api-keys/${first.id}`, { token: owner });
    expect(revoke.status).toBeLessThan(300);
    expect([await works(first.secret), await works(second.secret), await works(third.secret)]).toEqual([
      401, 401, 401,
    ]);
    const events = await world.server.ctx.db.sql<{ subject_id: string; reason: string | null }[]>`
      select subject_id, data->>'reason' as reason from events
      where account_id = ${account.accountId} and type = 'api_key.revoked' order by id`;
    expect(events).toEqual([
      { subject_id: first.id, reason: null },
      { subject_id: second.id, reason: 'creator_key_revoked' },
      { subject_id: third.id, reason: 'creator_key_revoked' },
    ]);
  });

  it('stops when the person behind the key it was made with is disabled', async () => {
    const account = await createTestAccount(world.server);
    const owner = await account.token('owner');
    const admin = await me(account, 'admin');
    const adminKey = (await mintKey(admin.token, 'admin')).body;
    const madeByKey = (await mintKey(adminKey.secret, 'developer')).body;
    const disable = await world.server.request('PATCH', `/api/v1/users/${admin.id}`, {
      token: owner,
      body: { status: 'disabled' },
    });
    expect(disable.status).toBe(200);
    expect((await world.server.request('GET', '/api/v1/users', { token: madeByKey.secret })).status).toBe(
      401,
    );
  });
});
