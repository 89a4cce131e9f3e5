import type { Database } from '../db/database.js';
import { chainHash } from './hash.js';

const SEAL_BATCH = 2000;

/**
 * Links unsealed events into each account's hash chain, in the order they are sealed.
 * Chaining at insert time would serialise every write of an account on one lock; sealing in the
 * background keeps activations parallel while the chain still catches any edited or removed row.
 * A per-account advisory lock means one sealer per account across all processes.
 */
export async function sealEvents(db: Database): Promise<number> {
  const accounts = await db.sql<{ account_id: string }[]>`
    select distinct account_id from events where chain_seq is null`;
  let sealed = 0;
  for (const { account_id } of accounts) {
    sealed += await db.tx(async (tx) => {
      const [lock] = await tx<
        { ok: boolean }[]
      >`select pg_try_advisory_xact_lock(hashtext(${`events:${account_id}`})) as ok`;
      if (!lock?.ok) return 0;
      const [last] = await tx<{ chain_seq: string; chain_hash: string }[]>`
        select chain_seq, chain_hash from events where account_id = ${account_id} and chain_seq is not null
        order by chain_seq desc limit 1`;
      const rows = await tx<{ id: string; row_hash: string }[]>`
        select id, row_hash from events where account_id = ${account_id} and chain_seq is null order by id limit ${SEAL_BATCH}`;
      let seq = last ? Number(last.chain_seq) : 0;
      let prev = last?.chain_hash ?? null;
      const ids: string[] = [];
      const seqs: number[] = [];
      const hashes: string[] = [];
      for (const r of rows) {
        seq += 1;
        prev = chainHash(prev, r.row_hash);
        ids.push(r.id);
        seqs.push(seq);
        hashes.push(prev);
      }
      if (ids.length === 0) return 0;
      await tx`
        update events e set chain_seq = v.seq, chain_hash = v.hash
        from (select unnest(${ids}::bigint[]) as id, unnest(${seqs}::bigint[]) as seq, unnest(${hashes}::text[]) as hash) v
        where e.id = v.id`;
      return ids.length;
    });
  }
  return sealed;
}
