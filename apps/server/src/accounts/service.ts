import type { Static } from 'typebox';
import { API_KEYS_CHANGED } from '../auth/api-key-cache.js';
import { assertStrongPassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import { sendLink } from '../staff-links/service.js';
import { insertAccountAndOwner } from './bootstrap.js';
import * as repo from './repository.js';
import { type CreateAccountBody, SLUG_PATTERN } from './schemas.js';

/**
 * Managing the deployment's accounts is the operator's: owners of the operator account (the one made on
 * first start), and only with KEYWARD_MULTI_ACCOUNT=true. Everyone else gets 403 saying which of the two
 * is missing; the account ids of others are never revealed to them. The operator works across accounts,
 * so each function here runs outside the caller's account confinement (`acrossAccounts`), the operator
 * check first.
 */
const acrossAccounts = <T>(ctx: AppContext, fn: (ctx: AppContext) => Promise<T>) =>
  fn({ ...ctx, db: ctx.db.acrossAccounts() });

export async function assertOperator(ctx: AppContext, p: Principal): Promise<void> {
  if (!ctx.config.multiAccount)
    throw new AppError(
      'MULTI_ACCOUNT_DISABLED',
      'This server runs one account; set KEYWARD_MULTI_ACCOUNT=true on every process to manage several',
    );
  if (p.role !== 'owner' || p.accountId !== (await repo.operatorAccountId(ctx.db.sql)))
    throw new AppError('FORBIDDEN', "Only an owner of the server's first account may manage accounts");
}

export const accountView = (row: repo.AccountRow) => ({
  ...row,
  status: row.disabled_at ? ('disabled' as const) : ('active' as const),
});

export async function listAccounts(ctx: AppContext, p: Principal) {
  return acrossAccounts(ctx, async (ctx) => {
    await assertOperator(ctx, p);
    return (await repo.listAccounts(ctx.db.sql)).map(accountView);
  });
}

export async function getAccount(ctx: AppContext, p: Principal, id: string) {
  return acrossAccounts(ctx, async (ctx) => {
    await assertOperator(ctx, p);
    return readAccount(ctx, id);
  });
}

/** The account as the API shows it; callers have checked the operator already. */
async function readAccount(ctx: AppContext, id: string) {
  const row = await repo.findAccount(ctx.db.sql, id);
  if (!row) throw notFound('Account');
  return accountView(row);
}

/** A new account and its owner: ready to sign in with a password, else invited by email. */
export async function createManagedAccount(
  ctx: AppContext,
  p: Principal,
  input: Static<typeof CreateAccountBody>,
) {
  return acrossAccounts(ctx, async (ctx) => {
    await assertOperator(ctx, p);
    // The HTTP schema checks it too; the CLI comes here directly.
    if (!new RegExp(SLUG_PATTERN).test(input.slug))
      throw new AppError('INVALID_FIELD', 'The slug must be 2–63 lower-case letters, digits and dashes', {
        pointer: '/body/slug',
      });
    if (input.owner_password) assertStrongPassword(input.owner_password, [input.owner_email]);
    const passwordHash = input.owner_password ? await hashPassword(input.owner_password) : null;
    const created = await ctx.db.tx(async (tx) => {
      if (await repo.slugTaken(tx, input.slug))
        throw new AppError('ALREADY_EXISTS', `An account with slug "${input.slug}" already exists`, {
          pointer: '/body/slug',
        });
      const ids = await insertAccountAndOwner(
        tx,
        { slug: input.slug, name: input.name, ownerEmail: input.owner_email, passwordHash },
        { type: p.actorType, id: p.actorId },
      );
      const owner = { id: ids.ownerId, account_id: ids.accountId, email: input.owner_email.toLowerCase() };
      if (!passwordHash)
        await sendLink(ctx, tx, owner, 'invitation', {
          inviter: 'The operator of this server',
          role: 'owner',
        });
      return { ids, owner };
    });
    const account = await readAccount(ctx, created.ids.accountId);
    return {
      account,
      owner: {
        id: created.owner.id,
        email: created.owner.email,
        status: passwordHash ? 'active' : 'invited',
      },
    } as const;
  });
}

/**
 * Disables or enables an account. A disabled account's staff and API keys are refused at once (every
 * process re-reads access on each call, and cached API keys are dropped over the bus); its customers'
 * licenses keep validating — suspend those to stop them. The operator's own account cannot be disabled.
 */
export async function setAccountEnabled(ctx: AppContext, p: Principal, id: string, enabled: boolean) {
  return acrossAccounts(ctx, async (ctx) => {
    await assertOperator(ctx, p);
    if (!enabled && id === p.accountId)
      throw new AppError('CONFLICT', "The operator's own account cannot be disabled");
    await ctx.db.tx(async (tx) => {
      if (!(await repo.setAccountDisabled(tx, id, enabled ? null : ctx.clock.now())))
        throw notFound('Account');
      await recordEvent(tx, {
        accountId: id,
        type: enabled ? 'account.enabled' : 'account.disabled',
        actor: { type: p.actorType, id: p.actorId },
        subject: { type: 'account', id },
        data: {},
      });
    });
    await ctx.bus.publish({ topic: API_KEYS_CHANGED, accountId: id, data: {} });
    return readAccount(ctx, id);
  });
}
