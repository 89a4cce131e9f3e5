import { randomBytes } from 'node:crypto';
import { findAccountIdBySlug, operatorAccountId } from '../accounts/repository.js';
import { createManagedAccount, listAccounts, setAccountEnabled } from '../accounts/service.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { AppContext } from '../core/context.js';
import { isUuid } from '../core/uuid.js';
import { withContext } from './context.js';
import { printTable } from './table.js';

/** The CLI acts as the operator: an owner of the first account, named `cli` in the events it writes. */
async function withOperator(config: Config, fn: (ctx: AppContext, p: Principal) => Promise<void>) {
  await withContext(config, async (ctx) => {
    const accountId = await operatorAccountId(ctx.db.sql);
    if (!accountId) throw new Error('no account yet: start the server once to create the first one');
    await fn(ctx, { accountId, role: 'owner', actorType: 'system', actorId: 'cli' });
  });
}

async function accountIdOf(ctx: AppContext, slugOrId: string): Promise<string> {
  const id = (await findAccountIdBySlug(ctx.db.sql, slugOrId)) ?? (isUuid(slugOrId) ? slugOrId : undefined);
  if (!id) throw new Error(`no account "${slugOrId}"; \`keyward accounts list\` shows them`);
  return id;
}

/** `keyward accounts create`: a new account and its owner (a printed password, or an emailed invitation). */
export async function accountsCreateCommand(
  config: Config,
  opts: { slug: string; name?: string; ownerEmail: string; ownerPassword?: string; invite?: boolean },
): Promise<void> {
  await withOperator(config, async (ctx, p) => {
    const generated = opts.invite || opts.ownerPassword ? undefined : randomBytes(12).toString('base64url');
    const created = await createManagedAccount(ctx, p, {
      slug: opts.slug,
      name: opts.name ?? opts.slug,
      owner_email: opts.ownerEmail,
      ...(opts.invite ? {} : { owner_password: opts.ownerPassword ?? generated! }),
    });
    console.log(`account ${created.account.slug} (${created.account.id}) created`);
    if (opts.invite) console.log(`${created.owner.email} is invited: the email carries their link (7 days)`);
    else console.log(`owner ${created.owner.email} signs in with account "${created.account.slug}"`);
    if (generated) console.log(`password: ${generated}`);
  });
}

export async function accountsListCommand(config: Config): Promise<void> {
  await withOperator(config, async (ctx, p) => {
    const rows = (await listAccounts(ctx, p)).map((a) => [
      a.slug,
      a.id,
      a.status,
      String(a.users),
      String(a.licenses),
      a.created_at.toISOString().slice(0, 10),
    ]);
    const head = ['slug', 'id', 'status', 'users', 'licenses', 'created'];
    printTable(head, rows);
  });
}

/** `keyward accounts disable|enable <slug>`: running servers hear it over the bus. */
export async function accountsEnableCommand(config: Config, slugOrId: string, enabled: boolean) {
  await withOperator(config, async (ctx, p) => {
    const account = await setAccountEnabled(ctx, p, await accountIdOf(ctx, slugOrId), enabled);
    console.log(`account ${account.slug} is ${account.status}`);
  });
}
