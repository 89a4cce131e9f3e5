import type { TxSql } from '../db/database.js';
import { type Actor, recordEvent } from '../events/record.js';
import {
  applyPlan,
  bumpLicenseVersion,
  countLiveSeats,
  type LicenseWithPlan,
  lockSubscriptionLicenses,
  setLicenseSeatLimit,
  setLicenseTerm,
} from '../licenses/repository.js';
import type { LicenseStatus } from '../licenses/state.js';
import type { PlanRow } from '../plans/schemas.js';

/** Why a subscription suspended its licenses: only these suspensions does the subscription lift again. */
export type SubscriptionHold = 'subscription_suspended' | 'subscription_canceled';
const HOLDS: readonly (string | null)[] = ['subscription_suspended', 'subscription_canceled'];

/** What a subscription transition does to the licenses it owns. */
export type LicenseEffect =
  /** A paid period: expiry moves to the period's end, a trial becomes the plan's type, holds are lifted. */
  | { kind: 'extend'; until: Date; plan: PlanRow }
  /** Past due: the licenses keep working until the dunning window ends. */
  | { kind: 'hold_until'; until: Date }
  | { kind: 'suspend'; reason: SubscriptionHold }
  /** Lifts the subscription's holds (a reactivation inside the period). */
  | { kind: 'reinstate' }
  | { kind: 'expire' }
  /** A plan or quantity change: features, limits and policy from `plan`, seats = plan's × quantity. */
  | { kind: 'change_plan'; plan: PlanRow; quantity: number };

export interface Driver {
  tx: TxSql;
  accountId: string;
  subscriptionId: string;
  actor: Actor;
  ip?: string | null;
  requestId?: string | null;
}

/** A license's seats under a subscription: the plan's seats for each unit of quantity. */
export function seatLimit(plan: PlanRow, quantity: number): number | null {
  return plan.max_activations === null ? null : plan.max_activations * quantity;
}

/**
 * Applies `effect` to every license the subscription owns (locked, in id order), each change with its
 * event and a new version; revoked licenses are left alone. Returns the ids changed, with the event
 * of each, to publish after commit.
 */
export async function driveLicenses(
  d: Driver,
  effect: LicenseEffect,
): Promise<{ license_id: string; event: string }[]> {
  const changed: { license_id: string; event: string }[] = [];
  for (const license of await lockSubscriptionLicenses(d.tx, d.accountId, d.subscriptionId)) {
    if (license.status === 'revoked') continue;
    // Each change sets a new version with it (a license's cached copies are reloaded).
    const change = await applyEffect(d.tx, license, effect);
    if (!change) continue;
    await recordEvent(d.tx, {
      accountId: d.accountId,
      type: change.event,
      actor: d.actor,
      subject: { type: 'license', id: license.id },
      ip: d.ip ?? null,
      requestId: d.requestId ?? null,
      data: { subscription_id: d.subscriptionId, from_status: license.status, ...change.data },
    });
    changed.push({ license_id: license.id, event: change.event });
  }
  return changed;
}

type Change = { event: string; data: Record<string, unknown> } | null;

async function applyEffect(tx: TxSql, l: LicenseWithPlan, effect: LicenseEffect): Promise<Change> {
  const held = l.status === 'suspended' && HOLDS.includes(l.status_reason);
  switch (effect.kind) {
    case 'extend': {
      // A suspension staff made (abuse, a chargeback) outlives a payment; the subscription's own does not.
      const status: LicenseStatus = held || l.status === 'expired' ? 'active' : (l.status as LicenseStatus);
      const converts = l.license_type === 'trial' && effect.plan.license_type !== 'trial';
      await setLicenseTerm(tx, l.id, {
        status,
        statusReason: status === l.status ? l.status_reason : null,
        expiresAt: effect.until,
        ...(converts ? { licenseType: effect.plan.license_type } : {}),
      });
      return {
        event: 'license.renewed',
        data: {
          to_status: status,
          previous_expires_at: l.expires_at,
          expires_at: effect.until,
          ...(converts ? { converted_from_trial: true } : {}),
        },
      };
    }
    case 'hold_until': {
      if (l.status !== 'active' || (l.expires_at && l.expires_at >= effect.until)) return null;
      await setLicenseTerm(tx, l.id, { status: 'active', statusReason: null, expiresAt: effect.until });
      return {
        event: 'license.extended',
        data: {
          to_status: 'active',
          reason: 'subscription_past_due',
          previous_expires_at: l.expires_at,
          expires_at: effect.until,
        },
      };
    }
    case 'suspend': {
      if (l.status !== 'active' && l.status !== 'pending') return null;
      await setLicenseTerm(tx, l.id, {
        status: 'suspended',
        statusReason: effect.reason,
        expiresAt: l.expires_at,
      });
      return { event: 'license.suspended', data: { to_status: 'suspended', reason: effect.reason } };
    }
    case 'reinstate': {
      if (!held) return null;
      await setLicenseTerm(tx, l.id, { status: 'active', statusReason: null, expiresAt: l.expires_at });
      return { event: 'license.reinstated', data: { to_status: 'active' } };
    }
    case 'expire': {
      if (l.status !== 'active') return null;
      await setLicenseTerm(tx, l.id, { status: 'expired', statusReason: null, expiresAt: l.expires_at });
      const trial = l.license_type === 'trial' || l.license_type === 'evaluation';
      return {
        event: trial ? 'license.trial_ended' : 'license.expired',
        data: { to_status: 'expired', expires_at: l.expires_at },
      };
    }
    case 'change_plan': {
      const max = seatLimit(effect.plan, effect.quantity);
      if (l.plan_id === effect.plan.id && l.max_activations === max) return null;
      await applyPlan(tx, l.id, effect.plan);
      await setLicenseSeatLimit(tx, l.id, max);
      await bumpLicenseVersion(tx, l.id);
      // A downgrade below the seats in use is allowed (a payment provider does not ask); the devices keep
      // working and the event says by how much the license is over (issue M's compliance reads it).
      const live = await countLiveSeats(tx, l.id);
      return {
        event: 'license.plan_changed',
        data: {
          to_status: l.status,
          from_plan: l.plan_code,
          to_plan: effect.plan.code,
          direction: effect.plan.rank >= l.plan_rank ? 'upgrade' : 'downgrade',
          max_activations: max,
          ...(max !== null && live > max ? { over_limit_by: live - max } : {}),
        },
      };
    }
  }
}
