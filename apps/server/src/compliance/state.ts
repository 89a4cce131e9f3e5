import { AppError } from '../core/errors.js';
import type { ViolationStatus } from './schemas.js';

/**
 * Where a violation's status may go: open → acknowledged (seen, being handled) → resolved or
 * false_positive; a closed one may be reopened. Reopening does not free its evidence: the dedupe key
 * stays taken whatever the status.
 */
const NEXT: Readonly<Record<ViolationStatus, readonly ViolationStatus[]>> = {
  open: ['acknowledged', 'resolved', 'false_positive'],
  acknowledged: ['open', 'resolved', 'false_positive'],
  resolved: ['open'],
  false_positive: ['open'],
};

/** The event each move records. */
export const STATUS_EVENT: Readonly<Record<ViolationStatus, string>> = {
  open: 'compliance.violation_reopened',
  acknowledged: 'compliance.violation_acknowledged',
  resolved: 'compliance.violation_resolved',
  false_positive: 'compliance.violation_resolved',
};

/** Throws 409 INVALID_STATE_TRANSITION, naming where it may go, unless `to` is allowed from `from`. */
export function checkTransition(from: ViolationStatus, to: ViolationStatus): void {
  if (NEXT[from].includes(to)) return;
  throw new AppError(
    'INVALID_STATE_TRANSITION',
    from === to
      ? `The violation is already ${from}`
      : `A ${from} violation cannot become ${to}; it may become ${NEXT[from].join(' or ')}`,
    { from, to, allowed: NEXT[from] },
  );
}
