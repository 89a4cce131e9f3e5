import type Stripe from 'stripe';
import { Batcher, batchesInFlight } from '../core/batcher.js';
import type { AppContext } from '../core/context.js';
import { sentTogether } from '../db/database.js';
import type { SubscriptionRow } from '../subscriptions/schemas.js';
import type { SubscriptionAction } from '../subscriptions/state.js';
import {
  type ActionInput,
  announce,
  type Decide,
  type LockedChange,
  transitionIfLocked,
  type Who,
} from '../subscriptions/transitions.js';

/** Moves a Keyward subscription toward Stripe's; answers the actions taken, in order. */
export type Mover = (
  accountId: string,
  subscriptionId: string,
  remote: Stripe.Subscription,
) => Promise<string[]>;

const stripeWho = (accountId: string): Who => ({ accountId, actor: { type: 'system', id: 'stripe' } });

/**
 * One move at a time, each decided under the subscription's lock from its row as of then (a cue applied
 * by two processes at once moves it once), at most four. `step` runs one decision under the lock.
 */
async function stepToward(
  remote: Stripe.Subscription,
  step: (decide: Decide) => Promise<void>,
): Promise<string[]> {
  const done: string[] = [];
  let left = 1;
  while (left > 0 && done.length < 4) {
    let picked: string | null = null;
    await step((f) => {
      const moves = stepsToward(remote, f.sub);
      left = moves.length - 1;
      picked = moves[0]?.[0] ?? null;
      return moves[0] ?? null;
    });
    if (!picked) break;
    done.push(picked);
  }
  return done;
}

interface Toward {
  accountId: string;
  subscriptionId: string;
  remote: Stripe.Subscription;
}

/**
 * The subscriptions moved by events applied at the same time, in one transaction: one BEGIN, one COMMIT
 * (one WAL flush) and one insert of their events for the lot, their statements sent without waiting
 * for each other. Rows are locked in id order (two batches never wait on each other in a circle), and the
 * cues for one subscription run one after the other. A batch that fails runs again one cue at a time, so
 * one bad cue fails alone (`core/batcher.ts`).
 */
export function moveTogether(ctx: AppContext): Mover {
  const batcher = new Batcher<Toward, string[]>(
    async (items) => {
      const { moved, changes } = await ctx.db.tx(async (tx) => {
        const locked: LockedChange[] = [];
        const bySubscription = new Map<string, number[]>();
        items.forEach((item, i) => {
          const same = bySubscription.get(item.subscriptionId);
          if (same) same.push(i);
          else bySubscription.set(item.subscriptionId, [i]);
        });
        const out: string[][] = items.map(() => []);
        await sentTogether(
          [...bySubscription.keys()].sort().map(async (id) => {
            for (const i of bySubscription.get(id)!) {
              const { accountId, remote } = items[i]!;
              out[i] = await stepToward(remote, async (decide) => {
                const change = await transitionIfLocked(ctx, tx, stripeWho(accountId), id, decide);
                if (change) locked.push(change);
              });
            }
          }),
        );
        return { moved: out, changes: locked };
      });
      // The batch's changes are announced together (one notification statement for the lot).
      await Promise.all(changes.map((change) => announce(ctx, change.row.account_id, change.licenses)));
      return moved;
    },
    32,
    batchesInFlight(ctx.db.kind),
  );
  return (accountId, subscriptionId, remote) => batcher.submit({ accountId, subscriptionId, remote });
}

/** The paid period of a Stripe subscription (on its item since the 2025 API versions, at the top before). */
export function periodOf(remote: Stripe.Subscription): { start: Date; end: Date } {
  const item = remote.items.data[0] as unknown as {
    current_period_start?: number;
    current_period_end?: number;
  };
  const top = remote as unknown as { current_period_start?: number; current_period_end?: number };
  const start = item?.current_period_start ?? top.current_period_start ?? remote.start_date;
  const end = item?.current_period_end ?? top.current_period_end ?? start;
  return { start: new Date(start * 1000), end: new Date(end * 1000) };
}

type Move = [Exclude<SubscriptionAction, 'change'>, ActionInput];

/** The actions that take Keyward's subscription to the state of Stripe's (none when they agree). */
export function stepsToward(remote: Stripe.Subscription, local: SubscriptionRow): Move[] {
  const period = periodOf(remote);
  const live = ['trialing', 'active', 'past_due', 'suspended'].includes(local.status);
  const ended = local.status === 'canceled' || local.status === 'expired';
  // Stripe's period is the one paid for: any other end (a renewal, a change of cycle) is taken from it.
  const newer = !local.current_period_end || period.end.getTime() !== local.current_period_end.getTime();
  switch (remote.status) {
    case 'active':
    case 'trialing': {
      const moves: Move[] = [];
      if (ended) moves.push(['reactivate', {}]);
      if (newer || local.status === 'past_due' || local.status === 'suspended')
        moves.push(['renew', { period }]);
      if (remote.cancel_at_period_end && !local.cancel_at_period_end)
        moves.push(['cancel_at_period_end', {}]);
      if (!remote.cancel_at_period_end && local.cancel_at_period_end && !ended)
        moves.push(['reactivate', {}]);
      return moves;
    }
    case 'past_due':
      return local.status === 'active' || local.status === 'trialing' ? [['mark_past_due', {}]] : [];
    case 'unpaid':
    case 'paused':
      return live && local.status !== 'suspended'
        ? [['suspend', { reason: `Stripe: ${remote.status}` }]]
        : [];
    case 'canceled':
    case 'incomplete_expired':
      return live ? [['cancel', { reason: `Stripe: ${remote.status}` }]] : [];
    default:
      return [];
  }
}
