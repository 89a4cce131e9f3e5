import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { Action } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { receiptPage } from '../mail/service.js';
import {
  CreateOrderBody,
  FulfilledOrderSchema,
  ListOrdersQuery,
  OrderActionBody,
  OrderItemSchema,
  OrderSchema,
  PayOrderBody,
  UpdateOrderBody,
} from './schemas.js';
import {
  approveOrder,
  cancelOrder,
  createOrder,
  fulfilOrder,
  getOrder,
  listOrders,
  type OrderMeta,
  payOrder,
  refundOrder,
  submitOrder,
  updateOrder,
} from './service.js';

const tags = ['orders'];
const security = [{ bearer: [] }];
const Order = Type.Ref('Order');
type OrderActionFn = (
  ctx: AppContext,
  p: Principal,
  id: string,
  reason: string | undefined,
  meta: OrderMeta,
) => Promise<unknown>;
const meta = (request: { ip: string; id: string }) => ({ ip: request.ip, requestId: request.id });

export async function orderRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(OrderItemSchema);
  app.addSchema(OrderSchema);
  app.addSchema(FulfilledOrderSchema);

  app.get(
    '/api/v1/orders',
    {
      schema: {
        tags,
        security,
        summary: 'List orders, newest first',
        querystring: ListOrdersQuery,
        response: { 200: listOf(Order), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listOrders(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/orders/:id',
    {
      schema: {
        tags,
        security,
        summary: 'An order and its lines',
        params: IdParams,
        response: { 200: Order, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getOrder(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.get(
    '/api/v1/orders/:id/receipt',
    {
      schema: {
        tags,
        security,
        summary: 'The receipt of a paid order, as a printable HTML page',
        params: IdParams,
        response: { 200: Type.String({ contentMediaType: 'text/html' }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(await receiptPage(request.ctx, principalOf(request).accountId, request.params.id)),
  );

  app.post(
    '/api/v1/orders',
    {
      schema: {
        tags,
        security,
        summary: 'Create a draft order for a customer (priced from the plans unless amounts are given)',
        body: CreateOrderBody,
        response: { 201: Order, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createOrder(request.ctx, principalOf(request), request.body, meta(request))),
  );

  app.patch(
    '/api/v1/orders/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a draft order (its lines are priced again)',
        params: IdParams,
        body: UpdateOrderBody,
        response: { 200: Order, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
    },
    async (request) =>
      updateOrder(request.ctx, principalOf(request), request.params.id, request.body, meta(request)),
  );

  /** An action of the state machine with an optional reason: path, summary, permission, what it does. */
  const ACTIONS = [
    [
      'submit',
      'Submit a draft: it waits for approval when it needs one, else it is approved',
      'orders:write',
      submitOrder,
    ],
    ['approve', 'Approve an order that waits for approval', 'orders:approve', approveOrder],
    ['cancel', 'Cancel an order that is not paid', 'orders:write', cancelOrder],
    [
      'refund',
      'Mark a paid order refunded; the licenses it issued are suspended',
      'orders:approve',
      refundOrder,
    ],
  ] as const satisfies readonly (readonly [string, string, Action, OrderActionFn])[];
  for (const [path, summary, permission, run] of ACTIONS) {
    app.post(
      `/api/v1/orders/:id/${path}`,
      {
        schema: {
          tags,
          security,
          summary,
          params: IdParams,
          body: Type.Optional(OrderActionBody),
          response: { 200: Order, ...errorResponses },
        },
        preValidation: requireAction(ctx, permission),
      },
      async (request) =>
        run(request.ctx, principalOf(request), request.params.id, request.body?.reason, meta(request)),
    );
  }

  app.post(
    '/api/v1/orders/:id/pay',
    {
      schema: {
        tags,
        security,
        summary:
          'Record a payment outside any provider (an invoice paid by transfer); fulfils it unless fulfil is false',
        params: IdParams,
        body: Type.Optional(PayOrderBody),
        response: { 200: Type.Ref('FulfilledOrder'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
      config: { idempotent: true },
    },
    async (request) =>
      payOrder(request.ctx, principalOf(request), request.params.id, request.body ?? {}, meta(request)),
  );

  app.post(
    '/api/v1/orders/:id/fulfil',
    {
      schema: {
        tags,
        security,
        summary: 'Issue what a paid order sold, once (keys in the answer, this once)',
        params: IdParams,
        response: { 200: Type.Ref('FulfilledOrder'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'orders:write'),
    },
    async (request) => fulfilOrder(request.ctx, principalOf(request), request.params.id, meta(request)),
  );
}
