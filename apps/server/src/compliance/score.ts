import type { CustomerStatus, Severity } from './schemas.js';

/**
 * The compliance score (docs/compliance.md#score): 100 minus a weight per open or acknowledged
 * violation, by severity, never below 0. Resolved and false-positive violations weigh nothing.
 */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  low: 5,
  medium: 10,
  high: 25,
  critical: 40,
};

export type BySeverity = Record<Severity, number>;

export const noneBySeverity = (): BySeverity => ({ low: 0, medium: 0, high: 0, critical: 0 });

/** Counts of open violations (severity, n) as a record with every severity. */
export function bySeverity(rows: readonly { severity: string; n: number }[]): BySeverity {
  const out = noneBySeverity();
  for (const r of rows) if (r.severity in out) out[r.severity as Severity] += r.n;
  return out;
}

/** How much the open violations weigh. */
export function penalty(open: BySeverity): number {
  return (Object.keys(SEVERITY_WEIGHT) as Severity[]).reduce((n, s) => n + open[s] * SEVERITY_WEIGHT[s], 0);
}

export function score(open: BySeverity): number {
  return Math.max(0, 100 - penalty(open));
}

/**
 * A customer's status: non-compliant with an open critical violation or a score under 50; at risk with
 * any other open violation; compliant with none.
 */
export function customerStatus(open: BySeverity): CustomerStatus {
  if (open.critical > 0 || score(open) < 50) return 'non_compliant';
  if (open.low + open.medium + open.high > 0) return 'at_risk';
  return 'compliant';
}

/**
 * An account's score (an account-wide audit): the mean of its customers' scores, a customer without open
 * violations scoring 100; 100 for an account without customers.
 */
export function accountScore(customers: number, penalties: readonly number[]): number {
  if (customers === 0) return 100;
  const lost = penalties.reduce((n, p) => n + Math.min(100, p), 0);
  return Math.max(0, Math.round(100 - lost / customers));
}
