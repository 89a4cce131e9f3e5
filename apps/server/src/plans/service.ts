import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { existsInAccount, insertRow, updateRow } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { findPlan, listPlans, listPublicPlans, markPlanArchived, planCodeTaken } from './repository.js';
import type { CreatePlan, PlanRow } from './schemas.js';

const JSON_COLUMNS = ['features', 'limits', 'restrictions', 'policy', 'metadata'] as const;
type Meta = { ip: string; requestId: string };

async function assertProduct(ctx: AppContext, accountId: string, productId: unknown) {
  if (typeof productId !== 'string') return;
  if (!(await existsInAccount(ctx.db.sql, 'products', accountId, productId)))
    throw new AppError('NOT_FOUND', 'product_id does not name a product of this account', {
      pointer: '/body/product_id',
    });
}

async function codeTaken(ctx: AppContext, accountId: string, code: string, exceptId?: string) {
  if (await planCodeTaken(ctx.db.sql, accountId, code, exceptId))
    throw new AppError('ALREADY_EXISTS', `A plan with code "${code}" already exists`, {
      pointer: '/body/code',
    });
}

function event(p: Principal, type: string, plan: PlanRow, meta: Meta, data: Record<string, unknown> = {}) {
  return {
    accountId: p.accountId,
    type,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: 'plan', id: plan.id },
    ip: meta.ip,
    requestId: meta.requestId,
    data: { code: plan.code, ...data },
  };
}

export async function createPlan(ctx: AppContext, p: Principal, body: CreatePlan, meta: Meta) {
  await assertProduct(ctx, p.accountId, body.product_id);
  await codeTaken(ctx, p.accountId, body.code);
  return ctx.db.tx(async (tx) => {
    const plan = await insertRow<PlanRow>(tx, 'plans', p.accountId, body, JSON_COLUMNS);
    await recordEvent(tx, event(p, 'plan.created', plan, meta));
    return plan;
  });
}

export async function updatePlan(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: Record<string, unknown>,
  meta: Meta,
) {
  await assertProduct(ctx, p.accountId, patch.product_id);
  if (typeof patch.code === 'string') await codeTaken(ctx, p.accountId, patch.code, id);
  return ctx.db.tx(async (tx) => {
    const plan = await updateRow<PlanRow>(tx, 'plans', p.accountId, id, patch, JSON_COLUMNS);
    if (!plan) throw notFound('Plan');
    await recordEvent(tx, event(p, 'plan.updated', plan, meta, { changed: Object.keys(patch) }));
    return plan;
  });
}

/** Copies a plan under a new code (inactive, so it can be edited before it is sold). */
export async function duplicatePlan(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: { code: string; name?: string | undefined },
  meta: Meta,
) {
  const source = await findPlan(ctx.db.sql, p.accountId, id);
  if (!source) throw notFound('Plan');
  await codeTaken(ctx, p.accountId, input.code);
  const { id: _id, account_id: _a, created_at: _c, updated_at: _u, archived_at: _ar, ...fields } = source;
  return ctx.db.tx(async (tx) => {
    const plan = await insertRow<PlanRow>(
      tx,
      'plans',
      p.accountId,
      {
        ...fields,
        code: input.code,
        name: input.name ?? `${source.name} (copy)`,
        active: false,
        popular: false,
      },
      JSON_COLUMNS,
    );
    await recordEvent(tx, event(p, 'plan.duplicated', plan, meta, { source_plan_id: id }));
    return plan;
  });
}

/** Archived plans stay on existing licenses but are no longer offered. */
export async function archivePlan(ctx: AppContext, p: Principal, id: string, meta: Meta) {
  return ctx.db.tx(async (tx) => {
    const plan = await markPlanArchived(tx, p.accountId, id);
    if (!plan) throw notFound('Plan');
    await recordEvent(tx, event(p, 'plan.archived', plan, meta));
    return plan;
  });
}

/** A page of the account's plans (rows plus one look-ahead row). */
export function listAccountPlans(
  ctx: AppContext,
  accountId: string,
  filter: Parameters<typeof listPlans>[2],
) {
  return listPlans(ctx.db.sql, accountId, filter);
}

export async function getPlan(ctx: AppContext, accountId: string, id: string) {
  const plan = await findPlan(ctx.db.sql, accountId, id);
  if (!plan) throw notFound('Plan');
  return plan;
}

/** The portal's pricing page: the account's active, public plans. */
export function publicPlans(ctx: AppContext, accountSlug: string) {
  return listPublicPlans(ctx.db.sql, accountSlug);
}
