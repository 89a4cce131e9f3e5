import type { Database } from '../db/database.js';
import { chainHash, rowHash } from './hash.js';
import { accountsWithEvents, chainAfter } from './repository.js';
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

/** Recomputes every row hash and every chain link; reports edited rows and broken or gapped chains. */
export async function verifyEvents(db: Database, accountId?: string): Promise<VerifyReport> {
  await sealEvents(db);
  const problems: ChainProblem[] = [];
  let checked = 0;
  const accounts = accountId ? [{ account_id: accountId }] : await accountsWithEvents(db.sql);
  for (const { account_id } of accounts) {
    let prev: string | null = null;
    let expectedSeq = 1;
    let after = 0;
    for (;;) {
      const rows = await chainAfter(db.sql, account_id, after, 5000);
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
