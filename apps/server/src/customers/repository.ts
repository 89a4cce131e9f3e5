import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';
import type { CustomerRow, CustomerWithCounts, ListCustomersFilters } from './schemas.js';

const SORTABLE: Record<string, string> = {
  created_at: 'created_at',
  email: 'email',
  company_name: 'company_name',
};

/** One page plus one look-ahead row; `q` matches email, company or full name. */
export async function listCustomers(q: Queryable, accountId: string, f: ListCustomersFilters) {
  return q<CustomerRow[]>`
    select * from customers where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.q ? q`and (email ilike ${`%${f.q}%`} or company_name ilike ${`%${f.q}%`} or (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ilike ${`%${f.q}%`})` : q``}
    ${orderBy(q, f.sort, SORTABLE, '-created_at')} limit ${f.limit + 1} offset ${f.offset}`;
}

export async function findCustomerWithCounts(
  q: Queryable,
  accountId: string,
  id: string,
): Promise<CustomerWithCounts | undefined> {
  const [row] = await q<CustomerWithCounts[]>`
    select c.*, (select count(*)::int from licenses l where l.customer_id = c.id) as license_count,
      (select count(*)::int from activations a join licenses l on l.id = a.license_id where l.customer_id = c.id and a.status = 'active') as active_devices
    from customers c where c.account_id = ${accountId} and c.id = ${id}`;
  return row;
}

/** Emails are unique per account ignoring case; `exceptId` leaves out the customer being updated. */
export async function customerEmailTaken(
  q: Queryable,
  accountId: string,
  email: string,
  exceptId?: string,
): Promise<boolean> {
  const [row] = await q`
    select 1 from customers where account_id = ${accountId} and lower(email) = lower(${email})
      ${exceptId ? q`and id <> ${exceptId}` : q``}`;
  return Boolean(row);
}
