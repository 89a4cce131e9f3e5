import { findAccountIdBySlug } from '../accounts/repository.js';
import type { Config } from '../config/config.js';
import { findActiveKid } from '../signing/repository.js';
import { rotateSigningKey } from '../signing/service.js';
import { withContext } from './context.js';

/** `keyward keys rotate`: new active signing key for an account; running servers hear it over the bus. */
export async function keysRotateCommand(
  config: Config,
  opts: { account: string; alg: string; overlapHours: string },
): Promise<void> {
  if (opts.alg !== 'EdDSA' && opts.alg !== 'RS256') throw new Error('--alg must be EdDSA or RS256');
  const overlapHours = Number(opts.overlapHours);
  if (!Number.isInteger(overlapHours) || overlapHours < 0)
    throw new Error('--overlap-hours must be a whole number ≥ 0');
  const alg = opts.alg === 'RS256' ? 'RS256' : 'EdDSA';
  await withContext(config, async (ctx) => {
    const accountId = await findAccountIdBySlug(ctx.db.sql, opts.account);
    if (!accountId) throw new Error(`no account with slug "${opts.account}"`);
    const previous = await findActiveKid(ctx.db.sql, accountId);
    const key = await rotateSigningKey(ctx, accountId, { alg, overlapHours }, { type: 'system' });
    console.log(
      previous
        ? `new active key ${key.kid} (${key.alg}); ${previous} verifies for ${overlapHours} more hours`
        : `new active key ${key.kid} (${key.alg}); the account had no signing key before`,
    );
  });
}
