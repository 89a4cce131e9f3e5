import { findAccountIdBySlug } from '../accounts/repository.js';
import { can } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { decryptAtRest } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { type Actor, recordEvent } from '../events/record.js';
import { DEMO_PRODUCT, DEMO_TIERS } from './demo-catalogue.js';
import * as repo from './repository.js';

/** Who loads the demo data: a staff user or API key, or the system (`keyward serve --demo`). */
export interface DemoLoader {
  accountId: string;
  actor: Actor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export function loaderOf(p: Principal, meta: { ip: string; requestId: string }): DemoLoader {
  return { accountId: p.accountId, actor: { type: p.actorType, id: p.actorId }, ...meta };
}

/**
 * Adds the demo product and plans to the account, each with its event as any catalogue change. A second
 * load adds only what is missing (nothing, usually); a demo code the vendor already uses for a
 * product or plan of their own is refused (409 ALREADY_EXISTS), and nothing is written.
 */
export async function loadDemoData(db: Database, who: DemoLoader) {
  return db.tx(async (tx) => {
    await repo.lockAccount(tx, who.accountId);
    const codes = DEMO_TIERS.map((t) => t.code);
    const existing = await repo.findDemoCodes(tx, who.accountId, codes);
    const demoPlans = existing.plans.filter((p) => p.demo);
    // The demo product is ours only when a demo plan belongs to it; otherwise the vendor made it.
    const productIsDemo =
      existing.product !== undefined && demoPlans.some((p) => p.product_id === existing.product!.id);
    const clashes = [
      ...(existing.product && !productIsDemo ? [`product "${DEMO_PRODUCT.code}"`] : []),
      ...existing.plans.filter((p) => !p.demo).map((p) => `plan "${p.code}"`),
    ];
    if (clashes.length > 0)
      throw new AppError(
        'ALREADY_EXISTS',
        `The demo data uses codes your catalogue already has: ${clashes.join(', ')}. Rename or archive yours first, or build your own catalogue instead.`,
        { clashes },
      );

    const record = (type: string, subject: { type: string; id: string }, code: string) =>
      recordEvent(tx, {
        accountId: who.accountId,
        type,
        actor: who.actor,
        subject,
        ip: who.ip ?? null,
        requestId: who.requestId ?? null,
        data: { code, demo: true },
      });
    let productId = existing.product?.id;
    let created = 0;
    if (!productId) {
      productId = await repo.insertDemoProduct(tx, who.accountId);
      await record('product.created', { type: 'product', id: productId }, DEMO_PRODUCT.code);
      created++;
    }
    const plans: { id: string; code: string }[] = [];
    for (const tier of DEMO_TIERS) {
      const have = demoPlans.find((p) => p.code === tier.code);
      if (have) {
        plans.push({ id: have.id, code: tier.code });
        continue;
      }
      const id = await repo.insertDemoPlan(tx, who.accountId, productId, tier);
      await record('plan.created', { type: 'plan', id }, tier.code);
      plans.push({ id, code: tier.code });
      created++;
    }
    return { created, product: { id: productId, code: DEMO_PRODUCT.code }, plans };
  });
}

/**
 * `keyward serve --demo`: the demo catalogue in the default account. Says what happened in one line; a
 * clash with the vendor's own codes is reported there rather than stopping the server.
 */
export async function loadDemoDataAtStart(db: Database): Promise<string> {
  const accountId = await findAccountIdBySlug(db.sql, 'default');
  if (!accountId) return 'not loaded: there is no account named "default"';
  try {
    const result = await loadDemoData(db, { accountId, actor: { type: 'system' } });
    const plans = result.plans.map((p) => p.code).join(', ');
    return result.created > 0 ? `loaded into the default account (plans ${plans})` : 'already loaded';
  } catch (err) {
    if (err instanceof AppError && err.code === 'ALREADY_EXISTS') return `not loaded. ${err.message}`;
    throw err;
  }
}

/**
 * The overview's first-run checklist, from the account's real data, and what its snippets need: this
 * server's public URL and a license key (the full key only for roles that may see keys).
 */
export async function firstRunStatus(ctx: AppContext, p: Principal) {
  const facts = await repo.firstRunFacts(ctx.db.sql, p.accountId);
  const license = await repo.findSnippetLicense(ctx.db.sql, p.accountId);
  return {
    server_url: ctx.config.publicUrl,
    steps: {
      catalogue: facts.has_product && facts.has_plan,
      license: facts.has_license,
      integrate: facts.has_activation,
    },
    has_product: facts.has_product,
    has_plan: facts.has_plan,
    has_api_key: facts.has_api_key,
    demo_loaded: facts.demo_loaded,
    license: license
      ? {
          id: license.id,
          key: can(p.role, 'licenses:write') ? decryptAtRest(ctx.keyring, license.key_enc) : null,
          plan_code: license.plan_code,
          status: license.status,
        }
      : null,
  };
}
