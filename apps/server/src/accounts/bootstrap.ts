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

/**
 * What every new account starts with (e.g. the default plans), run inside the transaction that creates
 * it. The composition root (`app/parts.ts`) lists them.
 */
export type AccountSeeder = (tx: Queryable, accountId: string) => Promise<void>;

export interface CreatedAccount {
  accountId: string;
  ownerId: string;
  /** Set only when the password was generated here; print it once. */
  generatedPassword?: string;
}

/** Creates an account and its owner in one transaction. */
export async function createAccount(
  db: Database,
  input: { slug: string; name: string; ownerEmail: string; ownerPassword?: string | undefined },
  seeders: readonly AccountSeeder[],
): Promise<CreatedAccount> {
  const generatedPassword = input.ownerPassword ? undefined : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(input.ownerPassword ?? generatedPassword!);
  return db.tx(async (tx) => {
    const accountId = await insertAccount(tx, input.slug, input.name);
    const ownerId = await insertOwner(tx, accountId, input.ownerEmail.toLowerCase(), passwordHash);
    for (const seed of seeders) await seed(tx, accountId);
    await recordEvent(tx, {
      accountId,
      type: 'account.created',
      actor: { type: 'system' },
      subject: { type: 'account', id: accountId },
      data: { slug: input.slug, owner_email: input.ownerEmail.toLowerCase() },
    });
    await recordEvent(tx, {
      accountId,
      type: 'user.created',
      actor: { type: 'system' },
      subject: { type: 'user', id: ownerId },
      data: { email: input.ownerEmail.toLowerCase(), role: 'owner' },
    });
    return {
      accountId,
      ownerId,
      ...(generatedPassword ? { generatedPassword } : {}),
    };
  });
}

/**
 * First start: creates the default account and its owner, once, even when several processes start
 * together (transaction-scoped advisory lock, then a re-check).
 */
export async function ensureDefaultAccount(
  db: Database,
  admin: { email: string; password?: string | undefined },
  seeders: readonly AccountSeeder[],
): Promise<CreatedAccount | undefined> {
  if (await anyAccountExists(db.sql)) return undefined;
  const weakness = admin.password ? passwordWeakness(admin.password, [admin.email]) : null;
  if (weakness) throw new ConfigError(`ADMIN_PASSWORD cannot be used. ${weakness}`);
  const create = () =>
    createAccount(
      db,
      {
        slug: 'default',
        name: 'Default',
        ownerEmail: admin.email,
        ownerPassword: admin.password,
      },
      seeders,
    );
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
