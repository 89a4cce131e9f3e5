import { mapInSlices } from '../core/slices.js';
import type { Database } from '../db/database.js';
import { chainHash } from './hash.js';
import {
  accountsWithUnsealedEvents,
  lastChainLink,
  trySealLock,
  unsealedEvents,
  writeChainLinks,
} from './repository.js';

const SEAL_BATCH = 2000;
/** Links hashed between turns of the event loop (about 1 ms of work). */
const HASH_SLICE = 250;

/**
 * Links unsealed events into each account's hash chain, in the order they are sealed.
 * Chaining at insert time would serialise every write of an account on one lock; sealing in the
 * background keeps activations parallel while the chain still catches any edited or removed row.
 * A per-account advisory lock means one sealer per account across all processes.
 */
export async function sealEvents(db: Database): Promise<number> {
  const accounts = await accountsWithUnsealedEvents(db.sql);
  let sealed = 0;
  for (const { account_id } of accounts) {
    sealed += await db.tx(async (tx) => {
      if (!(await trySealLock(tx, account_id))) return 0;
      const last = await lastChainLink(tx, account_id);
      const rows = await unsealedEvents(tx, account_id, SEAL_BATCH);
      if (rows.length === 0) return 0;
      const first = last ? Number(last.chain_seq) + 1 : 1;
      let prev = last?.chain_hash ?? null;
      // Each link hashes the one before it; slices let the requests this process serves go between.
      const hashes = await mapInSlices(rows, HASH_SLICE, (r) => {
        prev = chainHash(prev, r.row_hash);
        return prev;
      });
      const ids = rows.map((r) => r.id);
      const seqs = rows.map((_, i) => first + i);
      await writeChainLinks(tx, ids, seqs, hashes);
      return ids.length;
    });
  }
  return sealed;
}
