import { Type } from 'typebox';
import type { AppContext } from '../core/context.js';
import { customerOf, requireCustomer } from '../customer-sessions/guard.js';
import type { QuotaCounters } from '../entitlements/quota-counters.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { freeMyDevice, myLicense, myLicenses, myOrders, myReceipt } from './account-service.js';
import {
  DeviceParams,
  FreedDevice,
  LicenseIdParams,
  OwnLicenseDetail,
  OwnLicenseList,
  OwnOrderList,
} from './schemas.js';

const tags = ['portal'];
const security = [{ customerSession: [] }];

/** The signed-in customer's own account: licenses and keys, devices, usage, orders and receipts. */
export async function portalAccountRoutes(
  app: App,
  { ctx, quotas }: { ctx: AppContext; quotas: QuotaCounters },
) {
  const preValidation = requireCustomer(ctx);

  app.get(
    '/api/v1/portal/me/licenses',
    {
      schema: {
        tags,
        security,
        summary: 'My licenses, with their keys',
        response: { 200: OwnLicenseList, ...errorResponses },
      },
      preValidation,
    },
    async (request) => myLicenses(request.ctx, customerOf(request)),
  );

  app.get(
    '/api/v1/portal/me/licenses/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One of my licenses: features, limits, usage against them, alerts and devices',
        params: LicenseIdParams,
        response: { 200: OwnLicenseDetail, ...errorResponses },
      },
      preValidation,
    },
    async (request) => myLicense(request.ctx, quotas, customerOf(request), request.params.id),
  );

  app.post(
    '/api/v1/portal/me/licenses/:id/devices/:activation_id/deactivate',
    {
      schema: {
        tags,
        security,
        summary: 'Free a device of my license so another can take its seat',
        params: DeviceParams,
        response: { 200: FreedDevice, ...errorResponses },
      },
      preValidation,
    },
    async (request) =>
      freeMyDevice(request.ctx, customerOf(request), request.params.id, request.params.activation_id, {
        ip: request.ip,
        requestId: String(request.id),
      }),
  );

  app.get(
    '/api/v1/portal/me/orders',
    {
      schema: { tags, security, summary: 'My orders', response: { 200: OwnOrderList, ...errorResponses } },
      preValidation,
    },
    async (request) => myOrders(request.ctx, customerOf(request)),
  );

  app.get(
    '/api/v1/portal/me/orders/:id/receipt',
    {
      schema: {
        tags,
        security,
        summary: 'The receipt of one of my paid orders, as a printable HTML page',
        params: LicenseIdParams,
        response: { 200: Type.String({ contentMediaType: 'text/html' }), ...errorResponses },
      },
      preValidation,
    },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(await myReceipt(request.ctx, customerOf(request), request.params.id)),
  );
}
