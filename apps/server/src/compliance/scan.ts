import type { AppContext } from '../core/context.js';
import { backgroundPacer } from '../core/pacer.js';
import type { Actor, NewEvent } from '../events/record.js';
import { recordEvents } from '../events/record.js';
import { SHARING_DEFAULTS } from '../policies/policy.js';
import { detectExpiredUse } from './detectors/expired-use.js';
import type { Finding, Scope } from './detectors/finding.js';
import { detectKeySharing } from './detectors/key-sharing.js';
import { detectReported } from './detectors/reports.js';
import { detectSeatViolations } from './detectors/seats.js';
import { recommendationsFor } from './recommendations.js';
import * as repo from './repository.js';
import type { AuditRow, AuditScope, ViolationRow } from './schemas.js';
import { accountScore, bySeverity, penalty, score } from './score.js';

/**
 * Evidence older than this is not looked at: the daily scan overlaps itself six times over, so a missed
 * day is caught up, and the dedupe keys make the overlap harmless.
 */
export const LOOKBACK_DAYS = 7;

/** Where the look-back starts: a UTC midnight, so no day (or window dividing one) is cut in two. */
function lookbackStart(now: Date) {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  since.setUTCHours(0, 0, 0, 0);
  return since;
}
/** Violations raised per transaction (with their events): a big first scan commits in steps. */
const RAISE_BATCH = 500;
/** An audit keeps at most this many findings; its summary counts them all. */
const FINDINGS_KEPT = 1000;

/** Runs every detector over the scope, as of `now`. */
export async function detect(ctx: AppContext, scope: Scope, now: Date): Promise<Finding[]> {
  const q = ctx.db.sql;
  const since = lookbackStart(now);
  const defaults = {
    countries: SHARING_DEFAULTS.sharing_max_countries,
    ips: SHARING_DEFAULTS.sharing_max_ips,
    windowHours: SHARING_DEFAULTS.sharing_window_hours,
  };
  const pacer = backgroundPacer();
  const findings: Finding[] = [];
  // A whole account is read a quarter of its licenses at a time, resting between (B13's concern).
  for (const idRange of scope.licenseId || scope.customerId ? [undefined] : ID_SLICES) {
    const s = { ...scope, idRange };
    findings.push(...detectSeatViolations(await pacer.run(() => repo.seatsOverLimit(q, s))));
    findings.push(...detectExpiredUse(await pacer.run(() => repo.callsAfterExpiry(q, s, since, now))));
    findings.push(
      ...detectKeySharing(await pacer.run(() => repo.placesOverAllowance(q, s, since, now, defaults))),
    );
  }
  findings.push(...detectReported(await pacer.run(() => repo.reportsSince(q, scope, since))));
  return findings;
}

/** Four slices of the uuid space, by the first hex digit of a license's id. */
const ID_SLICES: readonly (readonly [string, string | null])[] = ['0', '4', '8', 'c'].map((first, i, all) => [
  `${first}0000000-0000-0000-0000-000000000000`,
  all[i + 1] ? `${all[i + 1]}0000000-0000-0000-0000-000000000000` : null,
]);

/** The event of a violation raised: what, how bad, about what, and the evidence's identity. */
/** Who raised violations, and from which request: staff's audit, or Keyward (the scan, a report). */
type EventSource = Pick<AuditRequest, 'actor' | 'ip' | 'requestId'>;

function raisedEvent(v: ViolationRow, request: EventSource): NewEvent {
  return {
    accountId: v.account_id,
    type: 'compliance.violation_raised',
    actor: request.actor,
    ip: request.ip ?? null,
    requestId: request.requestId ?? null,
    subject: { type: 'compliance_violation', id: v.id },
    data: {
      violation_type: v.type,
      severity: v.severity,
      license_id: v.license_id,
      customer_id: v.customer_id,
      device_id: v.device_id,
      dedupe_key: v.dedupe_key,
      summary: v.summary,
    },
  };
}

/**
 * Raises the findings whose evidence is new, each with its `compliance.violation_raised` event in the
 * same transaction; returns every finding's violation (raised now or before) and which were new.
 */
export async function raise(
  ctx: AppContext,
  accountId: string,
  findings: Finding[],
  request: EventSource,
  now: Date,
) {
  const raised: ViolationRow[] = [];
  const known: ViolationRow[] = [];
  const pacer = backgroundPacer();
  for (let i = 0; i < findings.length; i += RAISE_BATCH) {
    const batch = findings.slice(i, i + RAISE_BATCH);
    await pacer.run(() =>
      ctx.db.tx(async (tx) => {
        const written = await repo.insertViolations(tx, accountId, batch, now);
        const inserted = written.filter((v) => v.inserted).map(({ inserted: _, ...v }) => v);
        await recordEvents(
          tx,
          inserted.map((v) => raisedEvent(v, request)),
        );
        raised.push(...inserted);
        known.push(...written.filter((v) => !v.inserted).map(({ inserted: _, ...v }) => v));
        const seen = new Set(written.map((v) => v.dedupe_key));
        const rest = batch.map((f) => f.dedupeKey).filter((k) => !seen.has(k));
        if (rest.length > 0) known.push(...(await repo.violationsByKeys(tx, accountId, rest)));
      }),
    );
  }
  return { raised, known };
}

/**
 * Raises what an app just reported (a clock rollback, a failed integrity check) on the report itself,
 * not a day later: the reports detector over that license. The same day's reports of the device are the
 * same evidence, so a flood of reports is one violation.
 */
export async function raiseReported(ctx: AppContext, accountId: string, licenseId: string) {
  const now = ctx.clock.now();
  const since = lookbackStart(now);
  const findings = detectReported(await repo.reportsSince(ctx.db.sql, { accountId, licenseId }, since));
  if (findings.length === 0) return [];
  return (await raise(ctx, accountId, findings, { actor: { type: 'system' } }, now)).raised;
}

/** The scope's score after a run: a license's, a customer's, or the mean of the account's customers'. */
async function scopeScore(ctx: AppContext, scope: Scope): Promise<number> {
  const q = ctx.db.sql;
  if (scope.licenseId)
    return score(bySeverity(await repo.liveBySeverity(q, scope.accountId, { licenseId: scope.licenseId })));
  if (scope.customerId)
    return score(bySeverity(await repo.liveBySeverity(q, scope.accountId, { customerId: scope.customerId })));
  const perCustomer = new Map<string, { severity: string; n: number }[]>();
  for (const r of await repo.liveByCustomer(q, scope.accountId))
    perCustomer.set(r.customer_id, [...(perCustomer.get(r.customer_id) ?? []), r]);
  const penalties = [...perCustomer.values()].map((rows) => penalty(bySeverity(rows)));
  return accountScore(await repo.customerCount(q, scope.accountId), penalties);
}

const count = <T>(items: T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, t) => {
    acc[key(t)] = (acc[key(t)] ?? 0) + 1;
    return acc;
  }, {});

/** Who asked for an audit: staff (user or API key), or the daily scan. */
export interface AuditRequest {
  actor: Actor;
  trigger: AuditRow['trigger'];
  notes: string;
  ip?: string | null;
  requestId?: string | null;
}

/**
 * An audit: runs the detectors over the scope, raises what is new, and snapshots every finding (new or
 * already known, with its violation's current status), the counts, recommendations and the scope's
 * score; recorded as a `compliance.audit_completed` event.
 */
export async function runAudit(ctx: AppContext, scope: Scope, request: AuditRequest): Promise<AuditRow> {
  const started = ctx.clock.now();
  const findings = await detect(ctx, scope, started);
  const { raised, known } = await raise(ctx, scope.accountId, findings, request, started);
  const isNew = new Set(raised.map((v) => v.id));
  const all = [...raised, ...known];
  const auditScope: AuditScope = scope.licenseId ? 'license' : scope.customerId ? 'customer' : 'account';
  const finalScore = await scopeScore(ctx, scope);
  return ctx.db.tx(async (tx) => {
    const audit = await repo.insertAudit(tx, {
      account_id: scope.accountId,
      scope: auditScope,
      customer_id: scope.customerId ?? null,
      license_id: scope.licenseId ?? null,
      trigger: request.trigger,
      requested_by_type: request.actor.type,
      requested_by_id: request.actor.id ?? null,
      notes: request.notes,
      findings: all.slice(0, FINDINGS_KEPT).map((v) => ({
        violation_id: v.id,
        type: v.type,
        severity: v.severity,
        status: v.status,
        license_id: v.license_id,
        customer_id: v.customer_id,
        summary: v.summary,
        raised: isNew.has(v.id),
      })),
      summary: {
        findings: all.length,
        raised: raised.length,
        by_type: count(all, (v) => v.type),
        by_severity: count(all, (v) => v.severity),
      },
      // Only what still needs doing: a resolved or dismissed finding asks nothing more.
      recommendations: recommendationsFor(
        all.filter((v) => v.status === 'open' || v.status === 'acknowledged').map((v) => v.type),
      ),
      score: finalScore,
      started_at: started,
      completed_at: ctx.clock.now(),
    });
    await recordEvents(tx, [
      {
        accountId: scope.accountId,
        type: 'compliance.audit_completed',
        actor: request.actor,
        ip: request.ip ?? null,
        requestId: request.requestId ?? null,
        subject: { type: 'compliance_audit', id: audit.id },
        data: {
          scope: audit.scope,
          customer_id: audit.customer_id,
          license_id: audit.license_id,
          trigger: audit.trigger,
          findings: all.length,
          raised: raised.length,
          score: audit.score,
        },
      },
    ]);
    return audit;
  });
}

/**
 * The daily scan (job `compliance-scan`): an account-wide audit of each account (or the one asked for),
 * one account after another, at the background pace.
 */
export async function runComplianceScan(ctx: AppContext, accountId: string | null) {
  const accounts = accountId ? [accountId] : (await repo.accountIds(ctx.db.sql)).map((a) => a.id);
  let raised = 0;
  let findings = 0;
  for (const id of accounts) {
    const audit = await runAudit(
      ctx,
      { accountId: id },
      { actor: { type: 'system' }, trigger: 'scheduled', notes: 'Daily compliance scan' },
    );
    raised += Number(audit.summary.raised ?? 0);
    findings += Number(audit.summary.findings ?? 0);
  }
  return { accounts: accounts.length, findings, raised };
}
