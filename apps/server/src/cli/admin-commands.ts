import { randomBytes } from 'node:crypto';
import { findAccountIdBySlug, upsertStaffUser } from '../accounts/repository.js';
import { passwordWeakness } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import { ROLES } from '../auth/permissions.js';
import { masterKeyCheck } from '../backup/key-check.js';
import type { Config } from '../config/config.js';
import { openDatabase } from '../db/open.js';
import { verifyEvents } from '../events/verify.js';
import { migrateChecked } from '../startup/master-key-check.js';

async function withDatabase<T>(
  config: Config,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>,
) {
  const opened = await openDatabase(config, (m) => console.error(m));
  try {
    await migrateChecked(opened.db, masterKeyCheck(config), (m) => console.log(m));
    return await fn(opened.db);
  } finally {
    await opened.close();
  }
}

export async function migrateCommand(config: Config): Promise<void> {
  await withDatabase(config, async () => {
    console.log('migrations are up to date');
  });
}

export async function createAdminCommand(
  config: Config,
  opts: { email: string; password?: string; role: string; account: string },
): Promise<void> {
  if (!(ROLES as readonly string[]).includes(opts.role))
    throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const weakness = opts.password !== undefined ? passwordWeakness(opts.password, [opts.email]) : null;
  if (weakness) throw new Error(`--password cannot be used. ${weakness}`);
  const password = opts.password ?? randomBytes(12).toString('base64url');
  await withDatabase(config, async (db) => {
    const accountId = await findAccountIdBySlug(db.sql, opts.account);
    if (!accountId)
      throw new Error(`no account with slug "${opts.account}" (start the server once to create "default")`);
    const hash = await hashPassword(password);
    await upsertStaffUser(db.sql, accountId, { email: opts.email, role: opts.role, passwordHash: hash });
    console.log(`user ${opts.email} (${opts.role}) is ready in account ${opts.account}`);
    if (!opts.password) console.log(`password: ${password}`);
  });
}

export async function eventsVerifyCommand(config: Config, opts: { account?: string }): Promise<void> {
  await withDatabase(config, async (db) => {
    const report = await verifyEvents(db, opts.account);
    if (report.problems.length === 0) {
      console.log(`event log intact: ${report.checked} events verified`);
      return;
    }
    for (const p of report.problems)
      console.log(`${p.problem}: event ${p.event_id} (account ${p.account_id})`);
    console.log(`${report.problems.length} problem(s) in ${report.checked} events`);
    process.exitCode = 3;
  });
}
