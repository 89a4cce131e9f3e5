import { Type } from 'typebox';
import { deactivateActivation } from '../activations/service.js';
import type { AppContext } from '../core/context.js';
import { AppError } from '../core/errors.js';
import { digestSecret } from '../crypto/master-key.js';
import { licenseAlerts } from '../entitlements/status-rules.js';
import type { App } from '../http/types.js';
import { licenseTiming } from '../licenses/evaluate.js';
import { normalizeLicenseKey } from '../licenses/keys.js';
import { findLicenseByDigest } from '../licenses/repository.js';

const LicenseKeyBody = Type.Object(
  { license_key: Type.String({ minLength: 8, maxLength: 100 }) },
  { additionalProperties: false },
);
const DeactivateBody = Type.Object(
  {
    license_key: Type.String({ minLength: 8, maxLength: 100 }),
    activation_id: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);
const DAY = 86_400_000;
const tags = ['portal'];

/**
 * The customer portal's public API: whoever holds a license key may see that license and its devices,
 * and free a device. Nothing else is reachable, and guessing keys is throttled hard.
 */
export async function portalRoutes(app: App, { ctx }: { ctx: AppContext }) {
  const throttle = {
    rateLimit: { max: Math.max(5, Math.floor(ctx.config.rateLimitPerMinute / 5)), timeWindow: 60_000 },
  };
  const licenseFor = async (key: string) => {
    const license = await findLicenseByDigest(
      ctx.db.sql,
      digestSecret(ctx.keyring, normalizeLicenseKey(key)),
    );
    if (!license) throw new AppError('LICENSE_NOT_FOUND', 'No license matches this key; check it for typos');
    return license;
  };

  app.post(
    '/api/v1/portal/license-lookup',
    {
      schema: {
        tags,
        summary: 'Check my license: status, expiry, features, limits, devices, alerts',
        body: LicenseKeyBody,
      },
      config: throttle,
    },
    async (request) => {
      const license = await licenseFor(request.body.license_key);
      const now = ctx.clock.now();
      const timing = licenseTiming(license, now);
      const devices = await ctx.db.sql`
        select id, device_id, machine_name, hostname, platform, app_version, status, activated_at, last_heartbeat_at, last_validated_at
        from activations where license_id = ${license.id} and status = 'active' order by activated_at desc limit 100`;
      const daysUntilExpiry = license.expires_at
        ? Math.ceil((license.expires_at.getTime() - now.getTime()) / DAY)
        : null;
      return {
        license: {
          key_last4: license.key_last4,
          tier: license.plan_code,
          tier_name: license.plan_name,
          status: timing.status,
          status_reason: license.status_reason,
          starts_at: license.starts_at,
          expires_at: license.expires_at,
          days_until_expiry: daysUntilExpiry,
          is_in_grace_period: timing.in_grace_period,
          features: license.features,
          limits: license.limits,
          max_activations: license.max_activations,
        },
        devices,
        alerts: licenseAlerts(daysUntilExpiry, [], timing.status === 'active'),
      };
    },
  );

  app.post(
    '/api/v1/portal/deactivate-device',
    {
      schema: {
        tags,
        summary: 'Free one of my devices (the license key proves ownership)',
        body: DeactivateBody,
      },
      config: throttle,
    },
    async (request) => {
      const license = await licenseFor(request.body.license_key);
      const [seat] = await ctx.db
        .sql`select id from activations where id = ${request.body.activation_id} and license_id = ${license.id}`;
      if (!seat) throw new AppError('ACTIVATION_NOT_FOUND', 'This device does not belong to this license');
      const row = await deactivateActivation(ctx, license.account_id, request.body.activation_id, {
        actor: { type: 'customer', id: license.customer_id ?? license.id },
        reason: 'deactivated_in_portal',
        ip: request.ip,
        requestId: String(request.id),
      });
      return { success: true, activation_id: row.id, status: row.status };
    },
  );
}
