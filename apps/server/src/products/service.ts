import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { insertAudited, updateAudited } from '../events/audited-rows.js';
import { recordEvent } from '../events/record.js';
import * as repo from './repository.js';
import type { CreateProductInput, ListProductsFilters, ProductRow, UpdateProductInput } from './schemas.js';

/** One page of products plus a look-ahead row (the route cuts the page). */
export function listProducts(ctx: AppContext, accountId: string, filters: ListProductsFilters) {
  return repo.listProducts(ctx.db.sql, accountId, filters);
}

export async function getProduct(ctx: AppContext, accountId: string, id: string) {
  const row = await repo.findProduct(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Product');
  return row;
}

export async function createProduct(ctx: AppContext, p: Principal, input: CreateProductInput, ip: string) {
  if (await repo.productCodeTaken(ctx.db.sql, p.accountId, input.code))
    throw new AppError('ALREADY_EXISTS', `A product with code "${input.code}" already exists`, {
      pointer: '/body/code',
    });
  return insertAudited<ProductRow>(
    ctx,
    p,
    { table: 'products', event: 'product.created', jsonColumns: [], ip },
    input,
    (r) => ({ code: r.code }),
  );
}

export function updateProduct(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateProductInput,
  ip: string,
) {
  return updateAudited<ProductRow>(
    ctx,
    p,
    { table: 'products', event: 'product.updated', jsonColumns: [], ip, what: 'Product' },
    id,
    patch,
  );
}

/** Archived products stay on plans and licenses but leave the default list. */
export function archiveProduct(ctx: AppContext, p: Principal, id: string, ip: string) {
  return ctx.db.tx(async (tx) => {
    const row = await repo.archiveProduct(tx, p.accountId, id);
    if (!row) throw notFound('Product');
    await recordEvent(tx, {
      accountId: p.accountId,
      type: 'product.archived',
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'product', id: row.id },
      ip,
    });
    return row;
  });
}
