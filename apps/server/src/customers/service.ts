import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import type { TxSql } from '../db/database.js';
import { insertAudited, updateAudited } from '../events/audited-rows.js';
import * as repo from './repository.js';
import type {
  CreateCustomerInput,
  CustomerRow,
  ListCustomersFilters,
  UpdateCustomerInput,
} from './schemas.js';

const JSON_COLUMNS = ['address', 'metadata', 'external_ids'];

async function assertEmailFree(ctx: AppContext, accountId: string, email: string, exceptId?: string) {
  if (await repo.customerEmailTaken(ctx.db.sql, accountId, email, exceptId))
    throw new AppError('ALREADY_EXISTS', `A customer with email ${email} already exists`, {
      pointer: '/body/email',
    });
}

/** One page of customers plus a look-ahead row (the route cuts the page). */
export function listCustomers(ctx: AppContext, accountId: string, filters: ListCustomersFilters) {
  return repo.listCustomers(ctx.db.sql, accountId, filters);
}

export async function getCustomer(ctx: AppContext, accountId: string, id: string) {
  const row = await repo.findCustomerWithCounts(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Customer');
  return row;
}

export async function createCustomer(
  ctx: AppContext,
  p: Principal,
  input: CreateCustomerInput,
  ip: string | null,
) {
  await assertEmailFree(ctx, p.accountId, input.email);
  return insertCustomer(ctx, p, input, ip);
}

/**
 * A customer created in the caller's transaction, committed with the rest of it (a paid checkout's
 * order). The caller has looked for a customer with this email already; one made at the same moment
 * with the same email fails the transaction on the unique index, and the caller's retry finds it.
 */
export function createCustomerIn(
  ctx: AppContext,
  tx: TxSql,
  p: Principal,
  input: CreateCustomerInput & { id?: string },
  ip: string | null,
) {
  return insertCustomer(ctx, p, input, ip, tx);
}

function insertCustomer(
  ctx: AppContext,
  p: Principal,
  input: CreateCustomerInput & { id?: string },
  ip: string | null,
  outer?: TxSql,
) {
  return insertAudited<CustomerRow>(
    ctx,
    p,
    { table: 'customers', event: 'customer.created', jsonColumns: JSON_COLUMNS, ip },
    input,
    (c) => ({ email: c.email }),
    outer,
  );
}

export async function updateCustomer(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateCustomerInput,
  ip: string,
) {
  if (typeof patch.email === 'string') await assertEmailFree(ctx, p.accountId, patch.email, id);
  return updateAudited<CustomerRow>(
    ctx,
    p,
    { table: 'customers', event: 'customer.updated', jsonColumns: JSON_COLUMNS, ip, what: 'Customer' },
    id,
    patch,
  );
}
