import type { Database } from '../db/database.js';
import { chainHash, rowHash } from './hash.js';
import { sealEvents } from './seal.js';

export interface ChainProblem {
  account_id: string;
  event_id: string;
  problem: 'row_edited' | 'chain_broken' | 'sequence_gap';
}

export interface VerifyReport {
  checked: number;
  problems: ChainProblem[];
}

interface EventRow {
  id: string;
  account_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  created_at: Date;
  row_hash: string;
  chain_seq: string;
  chain_hash: string;
}

/** Recomputes every row hash and every chain link; reports edited rows and broken or gapped chains. */
export async function verifyEvents(db: Database, accountId?: string): Promise<VerifyReport> {
  await sealEvents(db);
  const problems: ChainProblem[] = [];
  let checked = 0;
  const accounts = accountId
    ? [{ account_id: accountId }]
    : await db.sql<{ account_id: string }[]>`select distinct account_id from events`;
  for (const { account_id } of accounts) {
    let prev: string | null = null;
    let expectedSeq = 1;
    let after = 0;
    for (;;) {
      const rows: EventRow[] = await db.sql<EventRow[]>`
        select id, account_id, type, actor_type, actor_id, subject_type, subject_id, ip, data, created_at,
               row_hash, chain_seq, chain_hash
        from events where account_id = ${account_id} and chain_seq > ${after} order by chain_seq limit 5000`;
      if (rows.length === 0) break;
      for (const r of rows) {
        checked++;
        const seq = Number(r.chain_seq);
        if (seq !== expectedSeq) problems.push({ account_id, event_id: r.id, problem: 'sequence_gap' });
        if (rowHash(r) !== r.row_hash) problems.push({ account_id, event_id: r.id, problem: 'row_edited' });
        const link = chainHash(prev, r.row_hash);
        if (link !== r.chain_hash) problems.push({ account_id, event_id: r.id, problem: 'chain_broken' });
        prev = r.chain_hash;
        expectedSeq = seq + 1;
        after = seq;
      }
    }
  }
  return { checked, problems };
}
