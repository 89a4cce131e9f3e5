import type { AppContext } from '../core/context.js';
import type { App } from '../http/types.js';
import { DeactivateDeviceBody, LicenseKeyBody } from './schemas.js';
import { freeDevice, lookUpLicense } from './service.js';

const tags = ['portal'];

/**
 * The customer portal's public API: whoever holds a license key may see that license and its devices,
 * and free a device. Nothing else is reachable, and guessing keys is throttled hard.
 */
export async function portalRoutes(app: App, { ctx }: { ctx: AppContext }) {
  const throttle = {
    // Per IP (a customer at a browser), and unknown keys count as guesses like the client API's.
    rateLimit: { max: ctx.config.clientRateLimitPerMinute, timeWindow: 60_000, keyGuesses: true },
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
    async (request) => lookUpLicense(ctx, request.body.license_key),
  );

  app.post(
    '/api/v1/portal/deactivate-device',
    {
      schema: {
        tags,
        summary: 'Free one of my devices (the license key proves ownership)',
        body: DeactivateDeviceBody,
      },
      config: throttle,
    },
    async (request) => freeDevice(ctx, request.body, { ip: request.ip, requestId: String(request.id) }),
  );
}
