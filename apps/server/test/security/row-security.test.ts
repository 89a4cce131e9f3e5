import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { APP_ROLE } from '../../src/db/row-security.js';
import { appRoleStatus } from '../../src/startup/repository.js';
import { startRowSecurity } from '../../src/startup/row-security.js';
import { createCustomer, createPlan, customerSession, issueLicense } from '../support/fixtures.js';
import { useServer } from '../support/server.js';

// Issue O: PostgreSQL row-level security on every account-scoped table (migration 0036). Staff and
// customer requests run as keyward_app with their account set per transaction; a query that forgets the
// account sees that account's rows only, and one without the setting sees none. The policies are made on
// both engines; only PostgreSQL has a role they confine (the embedded engine has one superuser).
const world = useServer({ accounts: 2 });
const postgresOnly = inject('databaseKind') === 'postgres';

const accountTables = async () =>
  (
    await world.server.ctx.db.system<{ table_name: string; rls: boolean; policies: number }[]>`
      select c.table_name, k.relrowsecurity as rls,
             (select count(*)::int from pg_policies p where p.tablename = c.table_name) as policies
        from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
        join pg_class k on k.relname = c.table_name and k.relnamespace = to_regnamespace(c.table_schema)
       where c.table_schema = current_schema() and c.column_name = 'account_id' and t.table_type = 'BASE TABLE'
       order by 1`
  ).map((r) => ({ ...r }));

describe('row-level security', () => {
  it('every table with an account_id, and accounts, has row-level security and the account policy', async () => {
    const tables = await accountTables();
    expect(tables.length).toBeGreaterThan(30);
    expect(tables.filter((t) => !t.rls || t.policies < 1).map((t) => t.table_name)).toEqual([]);
    const [accounts] = await world.server.ctx.db.system<{ rls: boolean }[]>`
      select relrowsecurity as rls from pg_class where relname = 'accounts' and relkind = 'r'`;
    expect(accounts?.rls).toBe(true);
  });

  it.runIf(!postgresOnly)(
    'KEYWARD_ROW_SECURITY=on refuses to start on the embedded engine, naming the variable',
    async () => {
      // What startServer runs after migrating (the embedded engine takes one connection: no second server).
      await expect(startRowSecurity(world.server.ctx.db, 'on', () => {})).rejects.toThrow(
        /KEYWARD_ROW_SECURITY=on needs PostgreSQL/,
      );
    },
  );

  describe.runIf(postgresOnly)('on PostgreSQL', () => {
    it('tells a missing role, and one that would bypass the policies, from a usable one', async () => {
      const { system } = world.server.ctx.db;
      expect(await appRoleStatus(system, APP_ROLE)).toBe('usable');
      expect(await appRoleStatus(system, `keyward_missing_${Date.now()}`)).toBe('missing');
      const bypassing = `keyward_bypass_${Date.now()}`;
      await system.unsafe(`create role ${bypassing} nologin bypassrls`);
      try {
        expect(await appRoleStatus(system, bypassing)).toBe('bypasses');
      } finally {
        await system.unsafe(`drop role ${bypassing}`);
      }
    });

    const [a, b] = [() => world.accounts[0]!, () => world.accounts[1]!];

    it('is on, and the role it runs as neither owns the tables nor bypasses the policies', async () => {
      expect(world.server.ctx.db.rowSecurity).toBe(true);
      const [role] = await world.server.ctx.db.system<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
        select rolsuper, rolbypassrls from pg_roles where rolname = ${APP_ROLE}`;
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    });

    it('a raw session as the app role without the account setting sees no row of any account', async () => {
      for (const account of [a(), b()]) {
        const plan = await createPlan(world.server, account);
        await issueLicense(world.server, account, { plan_id: plan.id });
      }
      const raw = postgres(inject('databaseUrl'), {
        max: 1,
        connection: { role: APP_ROLE },
        onnotice: () => {},
      });
      try {
        for (const { table_name } of await accountTables()) {
          const [seen] = await raw.unsafe(`select count(*)::int as n from ${table_name}`);
          expect(seen!.n, table_name).toBe(0);
        }
        const [accounts] = await raw`select count(*)::int as n from accounts`;
        expect(accounts!.n).toBe(0);
        await expect(
          raw`insert into products (account_id, name, code) values (${a().accountId}, 'x', ${`x-${Date.now()}`})`,
        ).rejects.toThrow(/row-level security/);
      } finally {
        await raw.end();
      }
      const [owner] = await world.server.ctx.db.system`select count(*)::int as n from licenses`;
      expect(owner!.n).toBeGreaterThanOrEqual(2);
    });

    it('a query that forgets the account sees only its handle’s account, in queries and transactions', async () => {
      const { db } = world.server.ctx;
      const licensesOf = async (accountId: string) =>
        (await db.system`select count(*)::int as n from licenses where account_id = ${accountId}`)[0]!.n;
      const inA = db.forAccount(a().accountId);
      const [forgetful] = await inA.sql<{ n: number; who: string }[]>`
        select count(*)::int as n, current_user as who from licenses`;
      expect(forgetful).toEqual({ n: await licensesOf(a().accountId), who: APP_ROLE });
      const [inB] = await db
        .forAccount(b().accountId)
        .tx((tx) => tx`select count(*)::int as n from licenses`);
      expect(inB!.n).toBe(await licensesOf(b().accountId));
      // Writing another account's row is refused, not quietly done.
      await expect(
        inA.sql`insert into products (account_id, name, code) values (${b().accountId}, 'x', ${`y-${Date.now()}`})`,
      ).rejects.toThrow(/row-level security/);
      // Fragments still compose, and the process's own handle is not confined.
      const [viaFragment] = await inA.sql<{ n: number }[]>`
        select count(*)::int as n from licenses ${inA.sql`where status = ${'active'}`}`;
      expect(viaFragment!.n).toBe(await licensesOf(a().accountId));
      const [all] = await db.sql<{ n: number }[]>`select count(*)::int as n from licenses`;
      expect(all!.n).toBeGreaterThan(viaFragment!.n);
    });

    it('staff and customer requests run confined: a policy hiding one account’s rows hides them from its requests only', async () => {
      const { db } = world.server.ctx;
      const plan = await createPlan(world.server, a());
      const customer = await createCustomer(world.server, a());
      await issueLicense(world.server, a(), { plan_id: plan.id, customer_id: customer.id });
      const session = await customerSession(world.server, a().accountId, customer.id);
      const staffSees = async () =>
        (await world.server.request('GET', '/api/v1/plans', { token: await a().token() })).body.data.length;
      const customerSees = async () =>
        (await world.server.request('GET', '/api/v1/portal/me/licenses', { token: session })).body.data
          .length;
      expect(await staffSees()).toBeGreaterThan(0);
      expect(await customerSees()).toBe(1);
      // A restrictive policy for this account alone: only sessions under row-level security obey it.
      const probe = `probe_${a().accountId.replaceAll('-', '')}`;
      for (const table of ['plans', 'licenses'])
        await db.system.unsafe(
          `create policy ${probe} on ${table} as restrictive using (account_id <> '${a().accountId}')`,
        );
      try {
        expect(await staffSees()).toBe(0);
        expect(await customerSees()).toBe(0);
        const other = await world.server.request('GET', '/api/v1/plans', { token: await b().token() });
        expect(other.status).toBe(200);
      } finally {
        for (const table of ['plans', 'licenses']) await db.system.unsafe(`drop policy ${probe} on ${table}`);
      }
      expect(await staffSees()).toBeGreaterThan(0);
    });
  });
});
