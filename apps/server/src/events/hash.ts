import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';

export interface HashedEventFields {
  account_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

export function rowHash(e: HashedEventFields): string {
  const material = canonicalJson([
    e.account_id,
    e.type,
    e.actor_type,
    e.actor_id,
    e.subject_type,
    e.subject_id,
    e.ip,
    e.data,
    e.created_at.toISOString(),
  ]);
  return createHash('sha256').update(material).digest('hex');
}

export function chainHash(previous: string | null, row: string): string {
  return createHash('sha256')
    .update(`${previous ?? 'genesis'}:${row}`)
    .digest('hex');
}
