import type { CallerFacts } from '../activations/service.js';
import { raiseReported } from '../compliance/scan.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { recordEvent } from '../events/record.js';
import { normalizeLicenseKey } from '../licenses/keys.js';
import { findLicenseByDigest } from '../licenses/repository.js';
import { findReportedSeat, markCodeRedeemed } from './repository.js';

/** What the SDK reports. `emergency_code_used` tells the server an offline unlock happened. */
export const REPORT_KINDS = [
  'clock_tamper',
  'signature_failure',
  'integrity_failure',
  'debugger_detected',
  'emergency_code_used',
  'other',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportInput {
  license_key: string;
  device_id: string;
  kind: ReportKind;
  details?: Record<string, unknown> | undefined;
  emergency_slot?: number | undefined;
}

/**
 * Records what an app saw that suggests tampering, as a `security.suspicious_activity` event on the
 * device's seat, so staff can review it and block the device (POST /activations/:id/block); compliance
 * raises it as a violation at once (docs/compliance.md).
 * Authenticated by the license key: a broken token is often exactly what is being reported.
 */
export async function recordReport(ctx: AppContext, input: ReportInput, caller: CallerFacts) {
  const license = await findLicenseByDigest(
    ctx.db.sql,
    digestSecret(ctx.keyring, normalizeLicenseKey(input.license_key)),
  );
  if (!license) throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key');
  const recorded = await ctx.db.tx(async (tx) => {
    const activationId = await findReportedSeat(tx, license.id, input.device_id);
    if (input.kind === 'emergency_code_used' && activationId && input.emergency_slot !== undefined) {
      // Only a code staff issued, and only once: a key holder cannot mark other slots redeemed.
      if (!(await markCodeRedeemed(tx, activationId, input.emergency_slot, ctx.clock.now())))
        throw new AppError(
          'CONFLICT',
          `Emergency code ${input.emergency_slot} of this device was never issued or is already redeemed`,
          { pointer: '/body/emergency_slot' },
        );
    }
    await recordEvent(tx, {
      accountId: license.account_id,
      type: input.kind === 'emergency_code_used' ? 'emergency_code.redeemed' : 'security.suspicious_activity',
      actor: activationId ? { type: 'activation', id: activationId } : { type: 'license', id: license.id },
      subject: activationId ? { type: 'activation', id: activationId } : { type: 'license', id: license.id },
      ip: caller.ip,
      requestId: caller.requestId,
      data: {
        kind: input.kind,
        license_id: license.id,
        activation_id: activationId,
        device_id: input.device_id,
        details: input.details ?? {},
        ...(input.emergency_slot !== undefined ? { slot: input.emergency_slot } : {}),
      },
    });
    return { recorded: true as const, license_id: license.id, activation_id: activationId };
  });
  // A compliance violation at once (the daily scan would raise it too: the report is kept either way).
  if (input.kind !== 'emergency_code_used')
    await raiseReported(ctx, license.account_id, license.id).catch((err) =>
      ctx.log.warn(
        { err: (err as Error).message, license_id: license.id },
        'raising a reported violation failed',
      ),
    );
  return recorded;
}
