import type { Queryable } from '../db/database.js';
import { orderBy } from '../db/order-by.js';

export interface EmailRow {
  id: string;
  account_id: string;
  template: string;
  event_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  to_address: string | null;
  subject: string | null;
  status: 'pending' | 'sent' | 'failed' | 'outbox' | 'skipped';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  message_id: string | null;
  sent_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, account_id, template, event_id::text as event_id, subject_type, subject_id, to_address, subject,
  status, attempts, next_attempt_at, last_error, message_id, sent_at, created_at`;

/** Claims up to `limit` due emails, each leased until `leaseUntil` and its attempt counted. */
export function claimDueEmails(q: Queryable, now: Date, leaseUntil: Date, limit: number) {
  return q<EmailRow[]>`
    update emails set next_attempt_at = ${leaseUntil}, attempts = attempts + 1
    from (select id as due_id from emails where status = 'pending' and next_attempt_at <= ${now}
          order by next_attempt_at limit ${limit} for update skip locked) due
    where id = due.due_id
    returning ${q.unsafe(COLUMNS)}`;
}

/** Without SMTP, due emails are held in the outbox (shown in the dashboard, sent by "resend" later). */
export async function holdDueInOutbox(q: Queryable, now: Date, limit: number): Promise<number> {
  const rows = await q`
    update emails set status = 'outbox', last_error = 'No SMTP server is configured (SMTP_URL)'
    where id in (select id from emails where status = 'pending' and next_attempt_at <= ${now}
                 order by next_attempt_at limit ${limit} for update skip locked)`;
  return rows.count;
}

export async function markSent(
  q: Queryable,
  id: string,
  e: { to: string; subject: string; messageId: string },
) {
  await q`update emails set status = 'sent', to_address = ${e.to}, subject = ${e.subject}, message_id = ${e.messageId},
    sent_at = now(), last_error = null where id = ${id}`;
}

/** An attempt failed: due again at `retryAt`, or failed for good (null). */
export async function markFailed(q: Queryable, id: string, error: string, retryAt: Date | null) {
  await q`update emails set status = ${retryAt ? 'pending' : 'failed'}, next_attempt_at = coalesce(${retryAt}, next_attempt_at),
    last_error = ${error} where id = ${id}`;
}

/** Nothing to send (the license has no customer email): kept in the log as skipped. */
export async function markSkipped(q: Queryable, id: string, reason: string) {
  await q`update emails set status = 'skipped', last_error = ${reason} where id = ${id}`;
}

export function listEmails(
  q: Queryable,
  accountId: string,
  f: {
    limit: number;
    offset: number;
    sort?: string | undefined;
    status?: string | undefined;
    template?: string | undefined;
  },
) {
  return q<EmailRow[]>`
    select ${q.unsafe(COLUMNS)} from emails where account_id = ${accountId}
      ${f.status ? q`and status = ${f.status}` : q``}
      ${f.template ? q`and template = ${f.template}` : q``}
    ${orderBy(q, f.sort, { created_at: 'created_at' }, '-created_at')} limit ${f.limit + 1} offset ${f.offset}`;
}

export async function findEmail(q: Queryable, accountId: string, id: string) {
  const [row] = await q<
    EmailRow[]
  >`select ${q.unsafe(COLUMNS)} from emails where account_id = ${accountId} and id = ${id}`;
  return row;
}

/** Queues an email again, now. */
export async function requeueEmail(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q`update emails set status = 'pending', next_attempt_at = now(), last_error = null
    where account_id = ${accountId} and id = ${id} returning id`;
  return rows.length > 0;
}

/** What a license email is rendered from, as of now (undefined: the license is gone). */
export interface LicenseMailRow {
  key_enc: string;
  key_last4: string;
  expires_at: Date | null;
  plan_name: string;
  customer_email: string | null;
  customer_name: string | null;
  account_name: string;
  settings: Record<string, unknown>;
  details: Record<string, unknown> | null;
}

export async function licenseMailFacts(
  q: Queryable,
  accountId: string,
  licenseId: string,
  eventId: string | null,
) {
  const [row] = await q<LicenseMailRow[]>`
    select l.key_enc, l.key_last4, l.expires_at, p.name as plan_name, c.email as customer_email,
      coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.company_name) as customer_name,
      a.name as account_name, a.settings,
      (select data from events where id = ${eventId}::bigint) as details
    from licenses l join plans p on p.id = l.plan_id join accounts a on a.id = l.account_id
      left join customers c on c.id = l.customer_id
    where l.account_id = ${accountId} and l.id = ${licenseId}::uuid`;
  return row;
}

/** The account's name and settings; `lock` holds the row so a read-modify-write loses no change. */
export async function accountSettings(q: Queryable, accountId: string, lock = false) {
  const [row] = await q<{ name: string; settings: Record<string, unknown> }[]>`
    select name, settings from accounts where id = ${accountId} ${lock ? q`for update` : q``}`;
  return row!;
}

/** Replaces one top-level key of the account's settings. */
export async function setAccountSetting(q: Queryable, accountId: string, key: string, value: unknown) {
  await q`update accounts set settings = jsonb_set(settings, ${[key]}::text[], ${q.json(value as never)}), updated_at = now()
    where id = ${accountId}`;
}

/** Deletes a batch of emails that are done (sent, failed, skipped, held) and older than `before`. */
export async function pruneEmails(q: Queryable, before: Date, accountId: string | null, limit: number) {
  const rows = await q`
    delete from emails where id in (
      select id from emails where status <> 'pending' and created_at < ${before}
        and (${accountId}::uuid is null or account_id = ${accountId})
      limit ${limit})`;
  return rows.count;
}

/** A direct email's own data (a staff email's sealed link, a notice's facts). */
export async function directMailData(q: Queryable, id: string) {
  const [row] = await q<{ data: Record<string, unknown> }[]>`select data from emails where id = ${id}`;
  return row?.data;
}

/** Queues an email that no event queues (staff emails), in the caller's transaction. */
export async function queueDirectEmail(
  q: Queryable,
  e: {
    accountId: string;
    template: string;
    to: string;
    subject: { type: string; id: string };
    data: Record<string, unknown>;
  },
) {
  const [row] = await q<{ id: string }[]>`
    insert into emails (account_id, template, subject_type, subject_id, to_address, data)
    values (${e.accountId}, ${e.template}, ${e.subject.type}, ${e.subject.id}, ${e.to}, ${q.json(e.data as never)})
    returning id`;
  return row!.id;
}

/** Queues a notice to each active owner of the account, in the caller's transaction. */
export async function queueOwnerNotice(
  q: Queryable,
  e: {
    accountId: string;
    template: string;
    subject: { type: string; id: string };
    data: Record<string, unknown>;
  },
) {
  const rows = await q`
    insert into emails (account_id, template, subject_type, subject_id, to_address, data)
    select ${e.accountId}, ${e.template}, ${e.subject.type}, ${e.subject.id}, email, ${q.json(e.data as never)}
    from users where account_id = ${e.accountId} and role = 'owner' and status = 'active'`;
  return rows.count;
}

/** What a receipt is rendered from: the order, its lines with their plans, its customer and account. */
export interface ReceiptFacts {
  order: {
    id: string;
    number: number;
    status: string;
    currency: string;
    subtotal_cents: number;
    discount_cents: number;
    tax_cents: number;
    total_cents: number;
    payment_provider: string | null;
    payment_reference: string | null;
    paid_at: Date | null;
    created_at: Date;
  };
  lines: {
    description: string;
    plan_name: string;
    quantity: number;
    unit_amount_cents: number;
    amount_cents: number;
  }[];
  customer_email: string | null;
  customer_name: string | null;
  account_name: string;
  settings: Record<string, unknown>;
}

export async function receiptFacts(
  q: Queryable,
  accountId: string,
  orderId: string,
): Promise<ReceiptFacts | undefined> {
  const [row] = await q<(ReceiptFacts['order'] & Omit<ReceiptFacts, 'order' | 'lines'>)[]>`
    select o.id, o.number, o.status, o.currency, o.subtotal_cents, o.discount_cents, o.tax_cents, o.total_cents,
      o.payment_provider, o.payment_reference, o.paid_at, o.created_at, c.email as customer_email,
      coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.company_name) as customer_name,
      a.name as account_name, a.settings
    from orders o join customers c on c.id = o.customer_id join accounts a on a.id = o.account_id
    where o.account_id = ${accountId} and o.id = ${orderId}::uuid`;
  if (!row) return undefined;
  const lines = await q<ReceiptFacts['lines']>`
    select i.description, p.name as plan_name, i.quantity, i.unit_amount_cents, i.amount_cents
    from order_items i join plans p on p.id = i.plan_id where i.order_id = ${orderId}::uuid order by i.position`;
  const { customer_email, customer_name, account_name, settings, ...order } = row;
  return { order, lines, customer_email, customer_name, account_name, settings };
}

/** What a subscription email is rendered from, as of now (undefined: the subscription is gone). */
export interface SubscriptionMailFacts {
  plan_name: string;
  dunning_ends_at: Date | null;
  status: string;
  customer_email: string | null;
  customer_name: string | null;
  account_name: string;
  settings: Record<string, unknown>;
}

export async function subscriptionMailFacts(q: Queryable, accountId: string, subscriptionId: string) {
  const [row] = await q<SubscriptionMailFacts[]>`
    select p.name as plan_name, s.dunning_ends_at, s.status, c.email as customer_email,
      coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.company_name) as customer_name,
      a.name as account_name, a.settings
    from subscriptions s join plans p on p.id = s.plan_id join customers c on c.id = s.customer_id
      join accounts a on a.id = s.account_id
    where s.account_id = ${accountId} and s.id = ${subscriptionId}::uuid`;
  return row;
}
