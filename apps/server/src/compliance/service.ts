import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { recordEvent } from '../events/record.js';
import type { Scope } from './detectors/finding.js';
import { customerReportCsv as renderReport } from './report.js';
import { customerReportPdf } from './report-pdf.js';
import * as repo from './repository.js';
import { runAudit } from './scan.js';
import type {
  CreateAuditInput,
  ListAuditsFilters,
  ListCustomerStatusFilters,
  ListViolationsFilters,
  Severity,
  UpdateViolationInput,
} from './schemas.js';
import { bySeverity, customerStatus, noneBySeverity, SEVERITY_WEIGHT, score } from './score.js';
import { checkTransition, STATUS_EVENT } from './state.js';

/** Where a staff request came from, for its events. */
export interface Meta {
  ip: string;
  requestId: string;
}

export function listViolations(ctx: AppContext, accountId: string, f: ListViolationsFilters) {
  return repo.listViolations(ctx.db.sql, accountId, f);
}

export async function getViolation(ctx: AppContext, accountId: string, id: string) {
  const v = await repo.findViolation(ctx.db.sql, accountId, id);
  if (!v) throw notFound('Violation');
  return v;
}

/**
 * Acknowledges, resolves, dismisses (false_positive) or reopens a violation, with who, when and the
 * note, and its event. The evidence stays taken: a resolved violation is not raised again by the scan.
 */
export function updateViolationStatus(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: UpdateViolationInput,
  meta: Meta,
) {
  return ctx.db.tx(async (tx) => {
    const v = await repo.findViolation(tx, p.accountId, id, true);
    if (!v) throw notFound('Violation');
    checkTransition(v.status, input.status);
    const note = input.note?.trim() || null;
    const updated = await repo.setViolationStatus(tx, p.accountId, id, {
      status: input.status,
      at: ctx.clock.now(),
      by: p.actorId,
      note,
    });
    await recordEvent(tx, {
      accountId: p.accountId,
      type: STATUS_EVENT[input.status],
      actor: { type: p.actorType, id: p.actorId },
      subject: { type: 'compliance_violation', id },
      ip: meta.ip,
      requestId: meta.requestId,
      data: {
        violation_type: v.type,
        severity: v.severity,
        license_id: v.license_id,
        customer_id: v.customer_id,
        from_status: v.status,
        to_status: input.status,
        note,
      },
    });
    return updated;
  });
}

/** An on-demand audit of the account, a customer's licenses or one license (docs/compliance.md#audits). */
export async function createAudit(ctx: AppContext, p: Principal, input: CreateAuditInput, meta: Meta) {
  const scope = await auditScope(ctx, p.accountId, input);
  return runAudit(ctx, scope, {
    actor: { type: p.actorType, id: p.actorId },
    trigger: 'on_demand',
    notes: input.notes ?? '',
    ip: meta.ip,
    requestId: meta.requestId,
  });
}

/** The scope an audit body names, its ids checked against the account. */
async function auditScope(ctx: AppContext, accountId: string, input: CreateAuditInput): Promise<Scope> {
  const q = ctx.db.sql;
  const extra = (field: 'customer_id' | 'license_id') => {
    if (input[field] !== undefined)
      throw new AppError(
        'INVALID_FIELD',
        `${field} goes with scope ${field.replace('_id', '')}, not ${input.scope}`,
        {
          pointer: `/body/${field}`,
        },
      );
  };
  const required = (field: 'customer_id' | 'license_id') => {
    const id = input[field];
    if (id === undefined)
      throw new AppError('MISSING_FIELD', `scope ${input.scope} needs ${field}`, {
        pointer: `/body/${field}`,
      });
    return id;
  };
  switch (input.scope) {
    case 'account':
      extra('customer_id');
      extra('license_id');
      return { accountId };
    case 'customer': {
      extra('license_id');
      const customerId = required('customer_id');
      if (!(await repo.findCustomer(q, accountId, customerId)))
        throw new AppError('NOT_FOUND', 'customer_id does not name a customer of this account', {
          pointer: '/body/customer_id',
        });
      return { accountId, customerId };
    }
  }
  // scope license
  extra('customer_id');
  const licenseId = required('license_id');
  const license = await repo.findLicenseFacts(q, accountId, licenseId);
  if (!license)
    throw new AppError('NOT_FOUND', 'license_id does not name a license of this account', {
      pointer: '/body/license_id',
    });
  // Kept on the audit too, so the customer's audit history shows audits of their licenses.
  return { accountId, licenseId, customerId: license.customer_id ?? undefined };
}

export function listAudits(ctx: AppContext, accountId: string, f: ListAuditsFilters) {
  return repo.listAudits(ctx.db.sql, accountId, f);
}

export async function getAudit(ctx: AppContext, accountId: string, id: string) {
  const a = await repo.findAudit(ctx.db.sql, accountId, id);
  if (!a) throw notFound('Audit');
  return a;
}

const nameOf = (c: {
  email: string;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
}) => [c.first_name, c.last_name].filter(Boolean).join(' ') || c.company_name || c.email;

/** Scores of licenses from their open violations (a license without any scores 100). */
async function licenseScores(
  ctx: AppContext,
  accountId: string,
  licenses: { id: string; customer_id: string | null; key_last4: string; status: string }[],
) {
  const rows = await repo.liveByLicense(
    ctx.db.sql,
    accountId,
    licenses.map((l) => l.id),
  );
  return licenses.map((l) => {
    const open = bySeverity(rows.filter((r) => r.license_id === l.id));
    return {
      license_id: l.id,
      customer_id: l.customer_id,
      key_last4: l.key_last4,
      status: l.status,
      score: score(open),
      open_by_severity: open,
      open_violations: open.low + open.medium + open.high + open.critical,
    };
  });
}

export async function licenseCompliance(ctx: AppContext, accountId: string, id: string) {
  const license = await repo.findLicenseFacts(ctx.db.sql, accountId, id);
  if (!license) throw notFound('License');
  return (await licenseScores(ctx, accountId, [license]))[0]!;
}

/** A customer's score, status, open violations, their licenses' scores and their last audit. */
export async function customerCompliance(ctx: AppContext, accountId: string, id: string) {
  const q = ctx.db.sql;
  const customer = await repo.findCustomer(q, accountId, id);
  if (!customer) throw notFound('Customer');
  const open = bySeverity(await repo.liveBySeverity(q, accountId, { customerId: id }));
  const last = await repo.latestAudit(q, accountId, { customerId: id });
  return {
    customer_id: id,
    email: customer.email,
    name: nameOf(customer),
    score: score(open),
    status: customerStatus(open),
    open_by_severity: open,
    open_violations: open.low + open.medium + open.high + open.critical,
    closed_violations: await repo.closedCount(q, accountId, id),
    licenses: await licenseScores(ctx, accountId, await repo.licensesOfCustomer(q, accountId, id)),
    last_audit: last
      ? { id: last.id, created_at: last.created_at, score: last.score, trigger: last.trigger }
      : null,
  };
}

/** A page of the customers with open violations, the worst first, with their score and status. */
export async function listCustomerCompliance(
  ctx: AppContext,
  accountId: string,
  f: ListCustomerStatusFilters,
) {
  const rows = await repo.customersWithLiveViolations(
    ctx.db.sql,
    accountId,
    SEVERITY_WEIGHT,
    f.limit,
    f.offset,
  );
  return rows.map((r) => {
    const open = { low: r.low, medium: r.medium, high: r.high, critical: r.critical };
    return {
      customer_id: r.customer_id,
      email: r.email,
      name: nameOf(r),
      score: score(open),
      status: customerStatus(open),
      open_by_severity: open,
      open_violations: r.low + r.medium + r.high + r.critical,
    };
  });
}

/** The Compliance page's head: open violations by severity and type, customers by status, the last scan. */
export async function complianceOverview(ctx: AppContext, accountId: string) {
  const q = ctx.db.sql;
  const perCustomer = new Map<string, Record<Severity, number>>();
  for (const r of await repo.liveByCustomer(q, accountId)) {
    const open = perCustomer.get(r.customer_id) ?? noneBySeverity();
    open[r.severity] += r.n;
    perCustomer.set(r.customer_id, open);
  }
  const customers = { compliant: 0, at_risk: 0, non_compliant: 0 };
  for (const open of perCustomer.values()) customers[customerStatus(open)]++;
  customers.compliant = Math.max(0, (await repo.customerCount(q, accountId)) - perCustomer.size);
  const last = await repo.latestAudit(q, accountId, { scheduled: true });
  return {
    open_by_severity: bySeverity(await repo.liveBySeverity(q, accountId)),
    open_by_type: Object.fromEntries((await repo.liveByType(q, accountId)).map((r) => [r.type, r.n])),
    customers,
    last_scan: last
      ? { id: last.id, created_at: last.created_at, raised: Number(last.summary.raised ?? 0) }
      : null,
  };
}

/** What a customer's report says: who, their score and status as of now, every violation of theirs. */
async function reportOf(ctx: AppContext, accountId: string, id: string) {
  const q = ctx.db.sql;
  const customer = await repo.findCustomer(q, accountId, id);
  if (!customer) throw notFound('Customer');
  const open = bySeverity(await repo.liveBySeverity(q, accountId, { customerId: id }));
  return {
    customer: { id, email: customer.email, name: nameOf(customer) },
    score: score(open),
    status: customerStatus(open),
    generatedAt: ctx.clock.now(),
    violations: await repo.violationsOfCustomer(q, accountId, id),
  };
}

/** The compliance report of a customer as CSV (docs/compliance.md#report). */
export async function customerReport(ctx: AppContext, accountId: string, id: string) {
  return { filename: `compliance-${id}.csv`, body: renderReport(await reportOf(ctx, accountId, id)) };
}

/** How many of a customer's audits the PDF report lists (newest first). */
const REPORT_AUDITS = 50;

/** The compliance report of a customer as PDF: the CSV's content and their latest audits. */
export async function customerReportAsPdf(ctx: AppContext, accountId: string, id: string) {
  const report = await reportOf(ctx, accountId, id);
  const audits = await repo.listAudits(ctx.db.sql, accountId, {
    customer_id: id,
    limit: REPORT_AUDITS,
    offset: 0,
  });
  return {
    filename: `compliance-${id}.pdf`,
    body: await customerReportPdf({ ...report, audits: audits.slice(0, REPORT_AUDITS) }),
  };
}
