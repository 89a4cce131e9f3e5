import { operatorAccountId } from '../accounts/repository.js';
import { accountRoutes } from '../accounts/routes.js';
import { deviceBlockRoutes } from '../activations/device-block-routes.js';
import { activationRoutes } from '../activations/routes.js';
import { analyticsRoutes } from '../analytics/routes.js';
import { apiKeyRoutes } from '../api-keys/routes.js';
import { authRoutes } from '../auth/routes.js';
import { complianceRoutes } from '../compliance/routes.js';
import { customerSessionRoutes } from '../customer-sessions/routes.js';
import { customerRoutes } from '../customers/routes.js';
import { docsRoutes } from '../docs/routes.js';
import { entitlementRoutes } from '../entitlements/routes.js';
import { websocketRoutes } from '../entitlements/websocket-routes.js';
import { eventRoutes } from '../events/routes.js';
import { firstRunRoutes } from '../first-run/routes.js';
import type { App } from '../http/types.js';
import { jobRoutes } from '../jobs/routes.js';
import { licenseUserRoutes } from '../license-users/routes.js';
import { licenseRoutes } from '../licenses/routes.js';
import { licensingRoutes } from '../licensing/routes.js';
import { mailRoutes } from '../mail/routes.js';
import { offlineStaffRoutes } from '../offline/routes.js';
import { orderRoutes } from '../orders/routes.js';
import { planRoutes } from '../plans/routes.js';
import { portalAccountRoutes } from '../portal/account-routes.js';
import { portalRoutes } from '../portal/routes.js';
import { productRoutes } from '../products/routes.js';
import { signingRoutes } from '../signing/routes.js';
import { staffLinkRoutes } from '../staff-links/routes.js';
import { checkoutRoutes } from '../stripe/checkout-routes.js';
import { stripeRoutes } from '../stripe/routes.js';
import { subscriptionRoutes } from '../subscriptions/routes.js';
import { userRoutes } from '../users/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import type { ProcessParts } from './parts.js';

/**
 * Every domain module registers its routes here, in one list, each given exactly the parts of the
 * process it uses, so app assembly (http-app.ts) stays about plumbing.
 */
export async function registerModules(app: App, parts: ProcessParts): Promise<void> {
  const { ctx } = parts;
  await app.register(authRoutes, { ctx, limiter: parts.loginLimiter });
  await app.register(staffLinkRoutes, { ctx, limiter: parts.loginLimiter });
  await app.register(userRoutes, { ctx });
  await app.register(accountRoutes, { ctx });
  await app.register(apiKeyRoutes, { ctx });
  await app.register(customerRoutes, { ctx });
  await app.register(productRoutes, { ctx });
  await app.register(planRoutes, { ctx });
  await app.register(subscriptionRoutes, { ctx });
  await app.register(orderRoutes, { ctx });
  await app.register(complianceRoutes, { ctx });
  await app.register(stripeRoutes, { ctx, applier: parts.stripe, recorder: parts.stripeEvents });
  await app.register(checkoutRoutes, { ctx });
  await app.register(eventRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });
  await app.register(mailRoutes, { ctx });
  await app.register(signingRoutes, { ctx });
  await app.register(jobRoutes, {
    ctx,
    jobs: parts.jobs,
    seesEveryAccount: async (accountId) =>
      !ctx.config.multiAccount || accountId === (await operatorAccountId(ctx.db.system)),
  });
  await app.register(licenseRoutes, { ctx });
  await app.register(licenseUserRoutes, { ctx });
  await app.register(activationRoutes, { ctx });
  await app.register(deviceBlockRoutes, { ctx });
  await app.register(licensingRoutes, { deps: parts });
  await app.register(offlineStaffRoutes, { deps: parts });
  await app.register(entitlementRoutes, { deps: parts });
  await app.register(websocketRoutes, { realtime: parts.realtime });
  await app.register(portalRoutes, { ctx });
  await app.register(customerSessionRoutes, { ctx, limiter: parts.loginLimiter });
  await app.register(portalAccountRoutes, { ctx, quotas: parts.quotas });
  await app.register(analyticsRoutes, { ctx });
  await app.register(firstRunRoutes, { ctx });
  await app.register(docsRoutes);
}
