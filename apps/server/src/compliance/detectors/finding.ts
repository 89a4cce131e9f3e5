import type { Severity, ViolationType } from '../schemas.js';

/** What a detector found: a violation to raise unless its evidence (`dedupeKey`) was raised before. */
export interface Finding {
  type: ViolationType;
  severity: Severity;
  /** The evidence's identity: the same evidence raises one violation, ever (docs/compliance.md#dedupe). */
  dedupeKey: string;
  licenseId: string | null;
  customerId: string | null;
  activationId: string | null;
  deviceId: string | null;
  summary: string;
  evidence: Record<string, unknown>;
}

/** What a scan looks at: one account, narrowed to a customer's licenses or one license. */
export interface Scope {
  accountId: string;
  customerId?: string | undefined;
  licenseId?: string | undefined;
  /** A slice of the licenses by id, [from, to) (`to` null: to the end), so no one statement runs long. */
  idRange?: readonly [string, string | null] | undefined;
}

/** At most this many of a list (IP addresses, event ids) are kept in a violation's evidence. */
export const EVIDENCE_LIST_MAX = 50;

export const iso = (d: Date | string) => new Date(d).toISOString();
