import { deviceBlockRoutes } from '../activations/device-blocks.js';
import { activationRoutes } from '../activations/routes.js';
import { analyticsRoutes } from '../analytics/routes.js';
import type { AppContext } from '../core/context.js';
import { customerRoutes } from '../customers/routes.js';
import { entitlementRoutes } from '../entitlements/routes.js';
import { websocketRoutes } from '../entitlements/websocket.js';
import { eventRoutes } from '../events/routes.js';
import type { App } from '../http/types.js';
import { licenseRoutes } from '../licenses/routes.js';
import { licensingRoutes } from '../licensing/routes.js';
import { offlineStaffRoutes } from '../offline/routes.js';
import { planRoutes } from '../plans/routes.js';
import { portalRoutes } from '../portal/routes.js';
import { productRoutes } from '../products/routes.js';
import { signingRoutes } from '../signing/routes.js';
import { subscriptionRoutes } from '../subscriptions/routes.js';

/**
 * Domain modules register their routes here (customers, plans, licenses, …), in one list,
 * so app.ts stays about plumbing.
 */
export async function registerModules(app: App, ctx: AppContext): Promise<void> {
  await app.register(customerRoutes, { ctx });
  await app.register(productRoutes, { ctx });
  await app.register(planRoutes, { ctx });
  await app.register(subscriptionRoutes, { ctx });
  await app.register(eventRoutes, { ctx });
  await app.register(signingRoutes, { ctx });
  await app.register(licenseRoutes, { ctx });
  await app.register(activationRoutes, { ctx });
  await app.register(deviceBlockRoutes, { ctx });
  await app.register(licensingRoutes, { ctx });
  await app.register(offlineStaffRoutes, { ctx });
  await app.register(entitlementRoutes, { ctx });
  await app.register(websocketRoutes, { ctx });
  await app.register(portalRoutes, { ctx });
  await app.register(analyticsRoutes, { ctx });
}
