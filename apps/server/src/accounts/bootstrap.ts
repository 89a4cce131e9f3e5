import { randomBytes } from 'node:crypto';
import { passwordWeakness } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import { ConfigError } from '../config/config.js';
import type { Database, Queryable } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import {
  anyAccountExists,
  insertAccount,
  insertOwner,
  lockFirstAccount,
  unlockFirstAccount,
} from './repository.js';

export interface CreatedAccount {
  accountId: string;
  ownerId: string;
  /** Set only when the password was generated here; print it once. */
  generatedPassword?: string;
}

/**
 * Creates an account and its owner in one transaction. The catalogue starts empty: the dashboard's
 * first-run checklist takes it from there, and the demo catalogue is opt-in (first-run/).
 */
export async function createAccount(
  db: Database,
  input: { slug: string; name: string; ownerEmail: string; ownerPassword?: string | undefined },
): Promise<CreatedAccount> {
  const generatedPassword = input.ownerPassword ? undefined : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(input.ownerPassword ?? generatedPassword!);
  const created = await db.tx((tx) =>
    insertAccountAndOwner(tx, { ...input, passwordHash }, { type: 'system' }),
  );
  return { ...created, ...(generatedPassword ? { generatedPassword } : {}) };
}

/**
 * The account row, its owner (invited when `passwordHash` is null) and their events, in the caller's
 * transaction.
 */
export async function insertAccountAndOwner(
  tx: Queryable,
  input: { slug: string; name: string; ownerEmail: string; passwordHash: string | null },
  actor: { type: 'system' | 'user' | 'api_key'; id?: string | null },
): Promise<CreatedAccount> {
  const email = input.ownerEmail.toLowerCase();
  const accountId = await insertAccount(tx, input.slug, input.name);
  const ownerId = await insertOwner(tx, accountId, email, input.passwordHash);
  await recordEvent(tx, {
    accountId,
    type: 'account.created',
    actor,
    subject: { type: 'account', id: accountId },
    data: { slug: input.slug, owner_email: email },
  });
  await recordEvent(tx, {
    accountId,
    type: input.passwordHash ? 'user.created' : 'user.invited',
    actor,
    subject: { type: 'user', id: ownerId },
    data: { email, role: 'owner' },
  });
  return { accountId, ownerId };
}

/**
 * First start: creates the default account and its owner, once, even when several processes start
 * together (transaction-scoped advisory lock, then a re-check).
 */
export async function ensureDefaultAccount(
  db: Database,
  admin: { email: string; password?: string | undefined },
): Promise<CreatedAccount | undefined> {
  if (await anyAccountExists(db.sql)) return undefined;
  const weakness = admin.password ? passwordWeakness(admin.password, [admin.email]) : null;
  if (weakness) throw new ConfigError(`ADMIN_PASSWORD cannot be used. ${weakness}`);
  const create = () =>
    createAccount(db, {
      slug: 'default',
      name: 'Default',
      ownerEmail: admin.email,
      ownerPassword: admin.password,
    });
  // The embedded database has one process (data-dir lock) and one connection: no lock needed, and none possible.
  if (db.kind === 'embedded') return create();
  const conn = await db.sql.reserve();
  try {
    await lockFirstAccount(conn);
    if (await anyAccountExists(conn)) return undefined;
    return await create();
  } finally {
    await unlockFirstAccount(conn).catch(() => {});
    conn.release();
  }
}
