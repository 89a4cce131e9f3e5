import type { Queryable } from '../db/database.js';

/** Arbitrary constant naming the lock a start holds while it checks and registers itself. */
const REGISTRY_LOCK_ID = 740_211_027;

/** False before migration 0027 has run (a first `migrate`, or an old database being upgraded). */
export async function startupTablesExist(q: Queryable): Promise<boolean> {
  const [row] = await q<{ present: boolean }[]>`
    select to_regclass('master_key_check') is not null as present`;
  return row?.present === true;
}

/** Records `value` unless a check value is recorded already; returns the recorded one. */
export async function recordMasterKeyCheck(q: Queryable, value: string): Promise<string> {
  await q`insert into master_key_check (check_value) values (${value}) on conflict (id) do nothing`;
  const [row] = await q<{ check_value: string }[]>`select check_value from master_key_check`;
  return row!.check_value;
}

export interface ProcessRow {
  id: string;
  host: string;
  pid: number;
  public_url: string;
  seconds_ago: number;
}

/** Serializes starts: two processes starting together must not both see an empty table. */
export async function lockProcessRegistry(q: Queryable): Promise<void> {
  await q`select pg_advisory_xact_lock(${REGISTRY_LOCK_ID})`;
}

/** Forgets processes that have not heartbeated for `staleSeconds` (they crashed or hang). */
export async function deleteStaleProcesses(q: Queryable, staleSeconds: number): Promise<void> {
  await q`delete from server_processes where heartbeat_at < now() - make_interval(secs => ${staleSeconds})`;
}

export function listProcesses(q: Queryable) {
  return q<ProcessRow[]>`
    select id, host, pid, public_url,
      extract(epoch from now() - heartbeat_at)::float8 as seconds_ago
    from server_processes order by heartbeat_at desc`;
}

export async function deleteProcesses(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length) await q`delete from server_processes where id = any(${ids}::uuid[])`;
}

/** Inserts the process, or refreshes its heartbeat (re-inserting a row another start pruned). */
export async function heartbeatProcess(
  q: Queryable,
  p: { id: string; host: string; pid: number; publicUrl: string },
): Promise<void> {
  await q`
    insert into server_processes (id, host, pid, public_url)
    values (${p.id}, ${p.host}, ${p.pid}, ${p.publicUrl})
    on conflict (id) do update set heartbeat_at = now(), public_url = excluded.public_url`;
}

/** Whether the server's user can act as the app role, and whether row-level security would apply to it. */
export async function appRoleStatus(
  q: Queryable,
  role: string,
): Promise<'usable' | 'missing' | 'not-member' | 'bypasses'> {
  const [row] = await q<{ bypasses: boolean; member: boolean }[]>`
    select rolsuper or rolbypassrls as bypasses, pg_has_role(current_user, oid, 'MEMBER') as member
      from pg_roles where rolname = ${role}`;
  if (!row) return 'missing';
  if (!row.member) return 'not-member';
  return row.bypasses ? 'bypasses' : 'usable';
}

/**
 * Grants the app role its table privileges when an administrator made the role after migration 0036. In a
 * transaction, under a lock: several processes starting at once would update the same grants.
 */
export async function grantAppRoleIfMissing(q: Queryable, role: string): Promise<boolean> {
  await q`select pg_advisory_xact_lock(hashtext('keyward_grant_app_role'))`;
  const [row] = await q<{ granted: boolean }[]>`
    select has_table_privilege(${role}, 'licenses', 'SELECT') as granted`;
  if (row?.granted) return false;
  await q`select keyward_grant_app_role()`;
  return true;
}
