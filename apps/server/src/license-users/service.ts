import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { findLicense } from '../licenses/repository.js';
import { changeLicense, type RequestMeta } from '../licenses/service.js';
import { seatCeiling } from '../policies/policy.js';
import {
  countLicenseUsers,
  deleteLicenseUser,
  findLicenseUser,
  insertLicenseUser,
  listLicenseUsers,
} from './repository.js';
import type { AssignUserInput, LicenseUserRow } from './schemas.js';

export async function listUsersOfLicense(ctx: AppContext, accountId: string, licenseId: string) {
  if (!(await findLicense(ctx.db.sql, accountId, licenseId))) throw notFound('License');
  return listLicenseUsers(ctx.db.sql, accountId, licenseId);
}

/**
 * Gives a user a seat of a named-user license (under the license lock, so the seat limit holds across
 * processes). Past `max_activations` within the policy's overage the user is assigned with a warning.
 */
export async function assignUser(
  ctx: AppContext,
  p: Principal,
  licenseId: string,
  input: AssignUserInput,
  meta: RequestMeta,
): Promise<{ user: LicenseUserRow; warnings: Array<{ code: 'SEAT_OVERAGE'; message: string }> }> {
  let assigned: LicenseUserRow | undefined;
  let over = false;
  const changed = await changeLicense(
    ctx,
    p,
    licenseId,
    meta,
    'license.user_assigned',
    async (tx, license) => {
      const policy = license.effective_policy;
      if (policy.seat_unit !== 'named_users')
        throw new AppError(
          'INVALID_STATE_TRANSITION',
          'This license is not for named users: its seats are ' + policy.seat_unit,
          {
            seat_unit: policy.seat_unit,
          },
        );
      const users = await countLicenseUsers(tx, licenseId);
      const ceiling = seatCeiling(policy, license.max_activations);
      if (ceiling !== null && users + 1 > ceiling)
        throw new AppError(
          'ACTIVATION_LIMIT_REACHED',
          `All ${license.max_activations} named seats of this license are assigned; unassign a user first`,
          { max_activations: license.max_activations, active_activations: users },
        );
      assigned = await insertLicenseUser(tx, p.accountId, licenseId, input.user.trim(), input.name ?? null);
      if (!assigned)
        throw new AppError('ALREADY_EXISTS', `${input.user} is already a user of this license`, {
          pointer: '/body/user',
        });
      over = license.max_activations !== null && users + 1 > license.max_activations;
      return { user_id: assigned.id, user: assigned.user, users: users + 1, over_limit: over };
    },
  );
  return {
    user: assigned!,
    warnings: over
      ? [
          {
            code: 'SEAT_OVERAGE',
            message: `The license has ${changed.max_activations} named seats; this user is one past them, within its overage`,
          },
        ]
      : [],
  };
}

/** Takes a user's seat back: their devices on the license stop validating. */
export async function unassignUser(
  ctx: AppContext,
  p: Principal,
  licenseId: string,
  userId: string,
  meta: RequestMeta,
) {
  let devicesEnded = 0;
  await changeLicense(ctx, p, licenseId, meta, 'license.user_unassigned', async (tx) => {
    const row = await findLicenseUser(tx, p.accountId, licenseId, userId);
    if (!row) throw notFound('License user');
    devicesEnded = await deleteLicenseUser(tx, row, ctx.clock.now());
    return { user_id: row.id, user: row.user, devices_ended: devicesEnded };
  });
  return { success: true as const, devices_ended: devicesEnded };
}
