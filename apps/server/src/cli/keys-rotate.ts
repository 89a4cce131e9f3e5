import pino from 'pino';
import { findAccountIdBySlug } from '../accounts/repository.js';
import { openDatabase } from '../app/server.js';
import type { Config } from '../config/config.js';
import { createBus } from '../core/bus.js';
import { systemClock } from '../core/clock.js';
import type { AppContext } from '../core/context.js';
import { deriveKeyring, loadMasterSecret } from '../crypto/master-key.js';
import { migrate } from '../db/migrate.js';
import { findActiveKid } from '../signing/repository.js';
import { rotateSigningKey } from '../signing/service.js';

/** `keyward keys rotate`: new active signing key for an account; running servers hear it over the bus. */
export async function keysRotateCommand(
  config: Config,
  opts: { account: string; alg: string; overlapHours: string },
): Promise<void> {
  if (opts.alg !== 'EdDSA' && opts.alg !== 'RS256') throw new Error('--alg must be EdDSA or RS256');
  const overlapHours = Number(opts.overlapHours);
  if (!Number.isInteger(overlapHours) || overlapHours < 0)
    throw new Error('--overlap-hours must be a whole number ≥ 0');
  const opened = await openDatabase(config, (m) => console.error(m));
  try {
    await migrate(opened.db);
    const accountId = await findAccountIdBySlug(opened.db.sql, opts.account);
    if (!accountId) throw new Error(`no account with slug "${opts.account}"`);
    const ctx: AppContext = {
      config,
      db: opened.db,
      keyring: deriveKeyring(loadMasterSecret(config.masterKey, config.dataDir)),
      clock: systemClock,
      log: pino({ level: 'warn' }),
      bus: await createBus(opened.db),
    };
    const previous = await findActiveKid(opened.db.sql, accountId);
    const key = await rotateSigningKey(ctx, accountId, { alg: opts.alg, overlapHours }, { type: 'system' });
    console.log(
      previous
        ? `new active key ${key.kid} (${key.alg}); ${previous} verifies for ${overlapHours} more hours`
        : `new active key ${key.kid} (${key.alg}); the account had no signing key before`,
    );
    await ctx.bus.close();
  } finally {
    await opened.close();
  }
}
