import { randomBytes } from 'node:crypto';
import type { LoginLimiter } from '../auth/login-limiter.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { noSoonerThan } from '../core/no-sooner-than.js';
import { digestSecret, encryptAtRest } from '../crypto/master-key.js';
import type { Queryable } from '../db/database.js';
import { recordEvent } from '../events/record.js';
import { queueDirectEmail } from '../mail/repository.js';
import * as repo from './repository.js';

/** A sign-in link works once, for 15 minutes (issue L); the session it opens lasts a week. */
const LINK_TTL_MS = 15 * 60_000;
const SESSION_TTL_MS = 7 * 86_400_000;

/** A sign-in request is answered no sooner than this, found or not: timing tells no one who is a customer. */
const REQUEST_FLOOR_MS = 150;

/** The customer behind a portal session, as routes see them. */
export type CustomerPrincipal = repo.PortalCustomer & { session_id: string };

/**
 * "Email me a sign-in link": each active customer with this email (in every account, or the account
 * named) gets a one-time link. The answer is the same, and as slow, whether or not the email is known.
 */
export async function requestSignIn(
  ctx: AppContext,
  limiter: LoginLimiter,
  input: { email: string; account?: string | undefined },
  ip: string,
) {
  await noSoonerThan(REQUEST_FLOOR_MS, async () => {
    await limiter.consume(`portal:${input.email.toLowerCase()}`, ip);
    const customers = await repo.customersToSignIn(ctx.db.sql, input.email, input.account);
    for (const customer of customers) {
      const token = `kwc_${randomBytes(32).toString('base64url')}`;
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + LINK_TTL_MS);
      await ctx.db.tx(async (tx) => {
        await repo.retireLinks(tx, customer.customer_id, now);
        await repo.insertLink(tx, {
          accountId: customer.account_id,
          customerId: customer.customer_id,
          digest: digestSecret(ctx.keyring, token),
          expiresAt,
        });
        await queueDirectEmail(tx, {
          accountId: customer.account_id,
          template: 'customer.sign_in',
          to: customer.email,
          subject: { type: 'customer', id: customer.customer_id },
          data: { token_enc: encryptAtRest(ctx.keyring, token), expires_at: expiresAt.toISOString() },
        });
      });
    }
  });
}

/** Trades a sign-in link for a session: the link stops working, the session token is returned once. */
export async function signInWithLink(ctx: AppContext, linkToken: string, ip: string) {
  const token = `kws_${randomBytes(32).toString('base64url')}`;
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const customer = await ctx.db.tx(async (tx) => {
    const link = await repo.takeLink(tx, digestSecret(ctx.keyring, linkToken));
    if (!link || link.used_at || link.expires_at <= now || link.status !== 'active') {
      throw new AppError(
        'LINK_INVALID',
        'This sign-in link has expired or was already used. Ask for a new one on the portal’s sign-in page.',
      );
    }
    await repo.retireLinks(tx, link.customer_id, now);
    await repo.insertSession(tx, {
      accountId: link.account_id,
      customerId: link.customer_id,
      digest: digestSecret(ctx.keyring, token),
      expiresAt,
      ip,
    });
    await recordOwnEvent(tx, link, 'customer.signed_in', ip);
    return link;
  });
  return { token, expires_at: expiresAt.toISOString(), customer: publicCustomer(customer) };
}

/** The customer a session token belongs to; one that ended, expired or is unknown is refused alike. */
export async function authenticateCustomer(ctx: AppContext, token: string): Promise<CustomerPrincipal> {
  const session = token.startsWith('kws_')
    ? await repo.findLiveSession(ctx.db.sql, digestSecret(ctx.keyring, token), ctx.clock.now())
    : undefined;
  if (!session)
    throw new AppError('TOKEN_INVALID', 'Your portal session has ended; sign in again with an emailed link');
  return session;
}

export async function signOut(ctx: AppContext, customer: CustomerPrincipal, ip: string) {
  await ctx.db.tx(async (tx) => {
    await repo.endSession(tx, customer.session_id, ctx.clock.now());
    await recordOwnEvent(tx, customer, 'customer.signed_out', ip);
  });
}

/** An event a customer caused about themselves (signing in or out). */
function recordOwnEvent(tx: Queryable, c: repo.PortalCustomer, type: string, ip: string) {
  const self = { type: 'customer' as const, id: c.customer_id };
  return recordEvent(tx, { accountId: c.account_id, type, actor: self, subject: self, ip, data: {} });
}

/** What the portal shows of the signed-in customer. */
export function publicCustomer(c: repo.PortalCustomer) {
  return {
    id: c.customer_id,
    email: c.email,
    name: c.name,
    company_name: c.company_name,
    account: { name: c.account_name, slug: c.account_slug },
  };
}
