import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { digestSecret, encryptAtRest } from '../crypto/master-key.js';
import type { TxSql } from '../db/database.js';
import { existsInAccount } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { findPlan } from '../plans/repository.js';
import type { PlanRow } from '../plans/schemas.js';
import { effectivePolicy } from '../policies/policy.js';
import { generateLicenseKey, keyLast4, normalizeLicenseKey } from './keys.js';
import { publishLicenseChanged } from './publish.js';
import {
  applyPlan,
  bumpLicenseVersion,
  countLiveSeats,
  findLicense,
  findLicenseByDigest,
  freeLicenseSeats,
  insertLicense,
  type LicenseFilters,
  type LicenseWithPlan,
  listLicenses,
  setLicenseCustomer,
  setLicenseExpiry,
  setLicenseFields,
  setLicenseKey,
  setLicenseStatus,
  startLicenseTerm,
} from './repository.js';
import type { CreateLicenseBody, UpdateLicenseBody } from './schemas.js';
import { type LicenseAction, nextStatus } from './state.js';

const DAY = 86_400_000;

/** What staff send to issue a license (orders add their id when they issue one). */
export type CreateLicenseInput = Static<typeof CreateLicenseBody> & { order_id?: string | undefined };

export interface RequestMeta {
  ip: string;
  requestId: string;
}

function actorOf(p: Principal) {
  return { type: p.actorType, id: p.actorId } as const;
}

/** The records a new license may name, each checked to be the account's. */
const REFERENCES = [
  ['customers', 'customer_id'],
  ['products', 'product_id'],
  ['subscriptions', 'subscription_id'],
] as const;

const notInAccount = (field: string) =>
  new AppError('NOT_FOUND', `${field} does not name a record of this account`, { pointer: `/body/${field}` });

async function assertInAccount(
  tx: TxSql,
  table: 'customers' | 'products' | 'subscriptions',
  accountId: string,
  id: string,
  field: string,
) {
  if (!(await existsInAccount(tx, table, accountId, id))) throw notInAccount(field);
}

/** Issues a license from a plan, with per-license overrides. Returns the row and the plain key (shown once to staff). */
export async function createLicense(
  ctx: AppContext,
  p: Principal,
  input: CreateLicenseInput,
  meta: RequestMeta,
  tx?: TxSql,
  /**
   * The plan as the caller read it in `tx`, which also vouches for the records the input names (a
   * subscription it created there, for its customer): nothing is read again.
   */
  vouched?: { plan: PlanRow },
) {
  const run = async (t: TxSql) => {
    // The plan and the records named are read together (one round trip), then judged in this order.
    const [plan, ...named] = vouched
      ? [vouched.plan]
      : await Promise.all([
          findPlan(t, p.accountId, input.plan_id),
          ...REFERENCES.map(([table, field]) => {
            const id = input[field];
            return id ? existsInAccount(t, table, p.accountId, id) : true;
          }),
        ]);
    if (!plan)
      throw new AppError('NOT_FOUND', 'plan_id does not name a plan of this account', {
        pointer: '/body/plan_id',
      });
    REFERENCES.forEach(([, field], i) => {
      if (!vouched && !named[i]) throw notInAccount(field);
    });
    const now = ctx.clock.now();
    const startsAt = input.starts_at ? new Date(input.starts_at) : now;
    let expiresAt: Date | null;
    let trialEndsAt: Date | null = null;
    let licenseType = plan.license_type;
    if (input.trial) {
      if (!input.expires_at && (!plan.trial_allowed || !plan.trial_days)) {
        throw new AppError('INVALID_FIELD', `Plan ${plan.code} does not offer a trial`, {
          pointer: '/body/trial',
        });
      }
      // A trial's end: given (a subscription's trial), else the plan's trial length.
      trialEndsAt = input.expires_at
        ? new Date(input.expires_at)
        : new Date(startsAt.getTime() + plan.trial_days * DAY);
      expiresAt = trialEndsAt;
      licenseType = 'trial';
    } else if (input.expires_at !== undefined) {
      expiresAt = input.expires_at === null ? null : new Date(input.expires_at);
    } else {
      const days = input.duration_days ?? plan.duration_days;
      expiresAt = days === null || days === undefined ? null : new Date(startsAt.getTime() + days * DAY);
    }
    // A term that starts on first use (the policy's expiration basis) waits with its length instead.
    const policy = effectivePolicy(licenseType, plan.license_model, {
      ...plan.policy,
      ...(input.policy ?? {}),
    });
    let termDays: number | null = null;
    if (
      policy.expiration_basis !== 'from_creation' &&
      expiresAt &&
      input.expires_at === undefined &&
      input.starts_at === undefined
    ) {
      termDays = Math.round((expiresAt.getTime() - startsAt.getTime()) / DAY);
      expiresAt = null;
      trialEndsAt = null;
    }
    if (expiresAt && expiresAt <= startsAt) {
      throw new AppError('INVALID_FIELD', 'expires_at must be after starts_at', {
        pointer: '/body/expires_at',
      });
    }
    const key = generateLicenseKey();
    const id = randomUUID();
    await recordEvent(t, {
      accountId: p.accountId,
      type: 'license.created',
      actor: actorOf(p),
      subject: { type: 'license', id },
      ip: meta.ip,
      requestId: meta.requestId,
      data: {
        plan: plan.code,
        customer_id: input.customer_id ?? null,
        key_last4: keyLast4(key),
        trial: Boolean(input.trial),
      },
    });
    // The id is chosen here so that the insert and the read of the new license go out together.
    const inserting = insertLicense(t, {
      id,
      account_id: p.accountId,
      key_digest: digestSecret(ctx.keyring, normalizeLicenseKey(key)),
      key_enc: encryptAtRest(ctx.keyring, key),
      key_last4: keyLast4(key),
      product_id: input.product_id ?? plan.product_id,
      plan_id: plan.id,
      customer_id: input.customer_id ?? null,
      subscription_id: input.subscription_id ?? null,
      order_id: input.order_id ?? null,
      license_type: licenseType,
      license_model: plan.license_model,
      status: input.status ?? 'active',
      max_activations: input.max_activations === undefined ? plan.max_activations : input.max_activations,
      features: input.features ?? plan.features,
      limits: input.limits ?? plan.limits,
      restrictions: input.restrictions ?? plan.restrictions,
      policy: { ...plan.policy, ...(input.policy ?? {}) },
      starts_at: startsAt,
      expires_at: expiresAt,
      term_days: termDays,
      grace_period_days: input.grace_period_days ?? plan.grace_period_days,
      trial_ends_at: trialEndsAt,
      auto_renew: input.auto_renew ?? plan.auto_renew,
      offline_file_ttl_days: input.offline_file_ttl_days ?? plan.offline_file_ttl_days,
      metadata: input.metadata ?? {},
    });
    const [, license] = await Promise.all([inserting, findLicense(t, p.accountId, id)]);
    return { license: license!, key };
  };
  return tx ? run(tx) : ctx.db.tx(run);
}

/**
 * Runs one change on a locked license: loads it (404 when not in the account), applies `change`,
 * bumps its version, records the event, and after commit tells every process.
 */
export async function changeLicense(
  ctx: AppContext,
  p: Principal,
  id: string,
  meta: RequestMeta,
  eventType: string,
  change: (tx: TxSql, license: LicenseWithPlan) => Promise<Record<string, unknown>>,
): Promise<LicenseWithPlan> {
  const updated = await ctx.db.tx(async (tx) => {
    const license = await findLicense(tx, p.accountId, id, true);
    if (!license) throw notFound('License');
    const data = await change(tx, license);
    await bumpLicenseVersion(tx, id);
    await recordEvent(tx, {
      accountId: p.accountId,
      type: eventType,
      actor: actorOf(p),
      subject: { type: 'license', id },
      ip: meta.ip,
      requestId: meta.requestId,
      data: { from_status: license.status, ...data },
    });
    return (await findLicense(tx, p.accountId, id))!;
  });
  await publishLicenseChanged(ctx, p.accountId, { license_id: id, event: eventType });
  return updated;
}

/** Status-only transitions: activate, suspend, reinstate, revoke. */
export function transitionLicense(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: Exclude<LicenseAction, 'renew' | 'expire'>,
  reason: string | undefined,
  meta: RequestMeta,
) {
  const eventType = {
    activate: 'license.activated',
    suspend: 'license.suspended',
    reinstate: 'license.reinstated',
    revoke: 'license.revoked',
  }[action];
  return changeLicense(ctx, p, id, meta, eventType, async (tx, license) => {
    const status = nextStatus(license.status, action);
    await setLicenseStatus(
      tx,
      id,
      status,
      reason ?? null,
      action === 'revoke' ? ctx.clock.now() : license.revoked_at,
    );
    let freed = 0;
    if (action === 'revoke') {
      // Revocation is final and frees every seat.
      freed = await freeLicenseSeats(tx, id, 'license_revoked');
    }
    return {
      to_status: status,
      reason: reason ?? null,
      ...(action === 'revoke' ? { seats_freed: freed } : {}),
    };
  });
}

/** Extends the license from max(now, expires_at) by `duration_days` (default: the plan's duration). */
export function renewLicense(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: { duration_days?: number | undefined; expires_at?: string | undefined },
  meta: RequestMeta,
) {
  return changeLicense(ctx, p, id, meta, 'license.renewed', async (tx, license) => {
    const status = nextStatus(license.status, 'renew');
    const now = ctx.clock.now();
    let expiresAt: Date;
    if (input.expires_at) {
      expiresAt = new Date(input.expires_at);
    } else {
      const plan = await findPlan(tx, p.accountId, license.plan_id);
      const days = input.duration_days ?? plan?.duration_days;
      if (!days) {
        throw new AppError(
          'MISSING_FIELD',
          'This plan is perpetual: give duration_days or expires_at to renew',
          { pointer: '/body/duration_days' },
        );
      }
      // The policy says where the new term starts; a term that would still end in the past starts now.
      const fromExpiry = license.effective_policy.renewal_basis === 'from_expiry' && license.expires_at;
      expiresAt = new Date((fromExpiry ? license.expires_at!.getTime() : now.getTime()) + days * DAY);
      if (expiresAt <= now) expiresAt = new Date(now.getTime() + days * DAY);
    }
    if (expiresAt <= now)
      throw new AppError('INVALID_FIELD', 'The new expiry must be in the future', {
        pointer: '/body/expires_at',
      });
    await setLicenseExpiry(tx, id, status, expiresAt);
    return { to_status: status, previous_expires_at: license.expires_at, expires_at: expiresAt };
  });
}

export function transferLicense(
  ctx: AppContext,
  p: Principal,
  id: string,
  customerId: string,
  meta: RequestMeta,
) {
  return changeLicense(ctx, p, id, meta, 'license.transferred', async (tx, license) => {
    if (license.status === 'revoked') nextStatus(license.status, 'revoke');
    await assertInAccount(tx, 'customers', p.accountId, customerId, 'customer_id');
    await setLicenseCustomer(tx, id, customerId);
    // reset_expiry: the new holder gets a whole term from today (the plan's duration).
    if (license.effective_policy.transfer_strategy === 'reset_expiry' && license.expires_at) {
      const plan = await findPlan(tx, p.accountId, license.plan_id);
      if (plan?.duration_days) {
        const expiresAt = new Date(ctx.clock.now().getTime() + plan.duration_days * DAY);
        await setLicenseExpiry(tx, id, license.status === 'expired' ? 'active' : license.status, expiresAt);
        return {
          from_customer_id: license.customer_id,
          to_customer_id: customerId,
          previous_expires_at: license.expires_at,
          expires_at: expiresAt,
        };
      }
    }
    return { from_customer_id: license.customer_id, to_customer_id: customerId };
  });
}

/** Moves the license to another plan: features, limits, restrictions and seats come from the new plan. */
export function changeLicensePlan(
  ctx: AppContext,
  p: Principal,
  id: string,
  planId: string,
  meta: RequestMeta,
) {
  return changeLicense(ctx, p, id, meta, 'license.plan_changed', async (tx, license) => {
    if (license.status === 'revoked')
      throw new AppError('INVALID_STATE_TRANSITION', 'Cannot change the plan of a revoked license');
    const plan = await findPlan(tx, p.accountId, planId);
    if (!plan)
      throw new AppError('NOT_FOUND', 'plan_id does not name a plan of this account', {
        pointer: '/body/plan_id',
      });
    const liveSeats = await countLiveSeats(tx, id);
    if (plan.max_activations !== null && liveSeats > plan.max_activations) {
      throw new AppError(
        'CONFLICT',
        `The license has ${liveSeats} active devices but plan ${plan.code} allows ${plan.max_activations}; deactivate some first`,
        {
          active_activations: liveSeats,
          max_activations: plan.max_activations,
        },
      );
    }
    await applyPlan(tx, id, plan);
    return {
      from_plan: license.plan_code,
      to_plan: plan.code,
      direction: plan.rank >= license.plan_rank ? 'upgrade' : 'downgrade',
    };
  });
}

/**
 * Issues a new key; the old one stops working at once. A key is regenerated because it leaked, so the
 * seats taken with it end too (their tokens are refused from the next call) unless `keepSeats` says
 * the devices are trusted; the answer says how many ended.
 */
export async function regenerateLicenseKey(
  ctx: AppContext,
  p: Principal,
  id: string,
  keepSeats: boolean,
  meta: RequestMeta,
) {
  const key = generateLicenseKey();
  let seatsEnded = 0;
  const license = await changeLicense(ctx, p, id, meta, 'license.key_regenerated', async (tx, l) => {
    if (l.status === 'revoked')
      throw new AppError('INVALID_STATE_TRANSITION', 'Cannot regenerate the key of a revoked license');
    await setLicenseKey(tx, id, {
      digest: digestSecret(ctx.keyring, normalizeLicenseKey(key)),
      enc: encryptAtRest(ctx.keyring, key),
      last4: keyLast4(key),
    });
    seatsEnded = keepSeats ? 0 : await freeLicenseSeats(tx, id, 'key_regenerated');
    return { previous_key_last4: l.key_last4, key_last4: keyLast4(key), seats_ended: seatsEnded };
  });
  return { license, key, seatsEnded };
}

export type UpdateLicenseInput = Static<typeof UpdateLicenseBody>;

/** Updates mutable fields only; status, key, plan and dates have their own actions. */
export function updateLicense(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: UpdateLicenseInput,
  meta: RequestMeta,
) {
  return changeLicense(ctx, p, id, meta, 'license.updated', async (tx, license) => {
    await setLicenseFields(tx, id, {
      max_activations: input.max_activations === undefined ? license.max_activations : input.max_activations,
      features: input.features ?? license.features,
      limits: input.limits ?? license.limits,
      restrictions: input.restrictions ?? license.restrictions,
      policy: input.policy ?? license.policy,
      metadata: input.metadata ?? license.metadata,
      auto_renew: input.auto_renew ?? license.auto_renew,
      grace_period_days: input.grace_period_days ?? license.grace_period_days,
      maintenance_expires_at:
        input.maintenance_expires_at === undefined
          ? license.maintenance_expires_at
          : input.maintenance_expires_at,
      offline_file_ttl_days: input.offline_file_ttl_days ?? license.offline_file_ttl_days,
    });
    return { changed: Object.keys(input) };
  });
}

/** Long enough to be a key rather than a name or its last four characters. */
const looksLikeKey = (q: string) => normalizeLicenseKey(q).length >= 20;

/** A page of the account's licenses (rows plus one look-ahead row); `q` that looks like a key finds it by digest. */
export function searchLicenses(ctx: AppContext, accountId: string, filter: LicenseFilters) {
  const q = filter.q;
  const digest = q && looksLikeKey(q) ? digestSecret(ctx.keyring, normalizeLicenseKey(q)) : undefined;
  return listLicenses(ctx.db.sql, accountId, filter, digest);
}

export async function getLicense(ctx: AppContext, accountId: string, id: string) {
  const row = await findLicense(ctx.db.sql, accountId, id);
  if (!row) throw notFound('License');
  return row;
}

/** The account's license with this key (another account's key is "not found" too). */
export async function getLicenseByKey(ctx: AppContext, accountId: string, key: string) {
  const row = await findLicenseByDigest(ctx.db.sql, digestSecret(ctx.keyring, normalizeLicenseKey(key)));
  if (!row || row.account_id !== accountId) throw notFound('License');
  return row;
}

/**
 * A term that starts on first use starts now, when `use` is the one the policy waits for (an activation
 * also counts as a first validation). Returns the license as it is afterwards; every process is told.
 */
export async function startTermOnUse(
  ctx: AppContext,
  license: LicenseWithPlan,
  use: 'activation' | 'validation',
): Promise<LicenseWithPlan> {
  const basis = license.effective_policy.expiration_basis;
  if (license.term_days === null || basis === 'from_creation') return license;
  if (basis === 'from_first_activation' && use !== 'activation') return license;
  const now = ctx.clock.now();
  const expiresAt = await startLicenseTerm(
    ctx.db.sql,
    license.id,
    new Date(now.getTime() + license.term_days * DAY),
  );
  if (!expiresAt) return license; // another process started it a moment ago: the bus brings its version
  await recordEvent(ctx.db.sql, {
    accountId: license.account_id,
    type: 'license.term_started',
    actor: { type: 'license', id: license.id },
    subject: { type: 'license', id: license.id },
    ip: null,
    requestId: null,
    data: { on: use, expires_at: expiresAt.toISOString() },
  });
  await publishLicenseChanged(ctx, license.account_id, {
    license_id: license.id,
    event: 'license.term_started',
  });
  const trial = license.license_type === 'trial';
  return {
    ...license,
    expires_at: expiresAt,
    term_days: null,
    trial_ends_at: trial ? expiresAt : license.trial_ends_at,
  };
}
