import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { updateAudited } from '../db/audited-rows.js';
import { orderBy } from '../db/order-by.js';
import { insertRow } from '../db/patch.js';
import { recordEvent } from '../events/record.js';
import { errorResponses, IdParams, listOf, listQuery, MetadataSchema, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const STATUS = Type.Union(
  ['trialing', 'active', 'past_due', 'canceled', 'expired', 'suspended'].map((s) => Type.Literal(s)),
);
const CYCLE = Type.Union([Type.Literal('monthly'), Type.Literal('annual')]);
const SubscriptionSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    customer_id: Type.String({ format: 'uuid' }),
    plan_id: Type.String({ format: 'uuid' }),
    status: Type.String(),
    billing_cycle: Type.String(),
    price_cents: Type.Integer(),
    currency: Type.String(),
    quantity: Type.Integer(),
    current_period_start: DateTime,
    current_period_end: Nullable(DateTime),
    trial_ends_at: Nullable(DateTime),
    cancel_at_period_end: Type.Boolean(),
    canceled_at: Nullable(DateTime),
    external_ids: Type.Record(Type.String(), Type.Unknown()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    created_at: DateTime,
    updated_at: DateTime,
  },
  { $id: 'Subscription' },
);
const CreateBody = Type.Object(
  {
    customer_id: Type.String({ format: 'uuid' }),
    plan_id: Type.String({ format: 'uuid' }),
    status: Type.Optional(STATUS),
    billing_cycle: Type.Optional(CYCLE),
    price_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000 })),
    currency: Type.Optional(Type.String({ pattern: '^[a-z]{3}$' })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    current_period_start: Type.Optional(DateTime),
    current_period_end: Type.Optional(Nullable(DateTime)),
    trial_ends_at: Type.Optional(Nullable(DateTime)),
    external_ids: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { maxProperties: 10 }),
    ),
    metadata: Type.Optional(MetadataSchema()),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    plan_id: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(STATUS),
    billing_cycle: Type.Optional(CYCLE),
    price_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000_000 })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    current_period_end: Type.Optional(Nullable(DateTime)),
    metadata: Type.Optional(MetadataSchema()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const CancelBody = Type.Object(
  { at_period_end: Type.Optional(Type.Boolean({ default: true })) },
  { additionalProperties: false },
);
const ListQuery = listQuery(['created_at', 'current_period_end', 'status'], {
  status: Type.Optional(STATUS),
  customer_id: Type.Optional(Type.String({ format: 'uuid' })),
  plan_id: Type.Optional(Type.String({ format: 'uuid' })),
});
const JSON_COLUMNS = ['external_ids', 'metadata'];
const tags = ['subscriptions'];
const security = [{ bearer: [] }];
type SubscriptionRow = {
  id: string;
  status: string;
  plan_id: string;
  billing_cycle: string;
  current_period_end: Date | null;
};

export async function subscriptionRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(SubscriptionSchema);
  const Subscription = Type.Ref('Subscription');
  const sql = ctx.db.sql;
  const inAccount = async (table: 'customers' | 'plans', accountId: string, id: string, field: string) => {
    const [row] = await sql`select 1 from ${sql(table)} where account_id = ${accountId} and id = ${id}`;
    if (!row)
      throw new AppError('NOT_FOUND', `${field} does not name a record of this account`, {
        pointer: `/body/${field}`,
      });
  };

  app.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'List subscriptions',
        querystring: ListQuery,
        response: { 200: listOf(Subscription), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, sort, status, customer_id, plan_id } = request.query;
      const rows = await sql`select * from subscriptions where account_id = ${principalOf(request).accountId}
      ${status ? sql`and status = ${status}` : sql``} ${customer_id ? sql`and customer_id = ${customer_id}` : sql``} ${plan_id ? sql`and plan_id = ${plan_id}` : sql``}
      ${orderBy(sql, sort, { created_at: 'created_at', current_period_end: 'current_period_end', status: 'status' }, '-created_at')}
      limit ${limit + 1} offset ${offset}`;
      return page(rows, limit, offset);
    },
  );

  app.get(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a subscription',
        params: IdParams,
        response: { 200: Subscription, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const [row] =
        await sql`select * from subscriptions where account_id = ${principalOf(request).accountId} and id = ${request.params.id}`;
      if (!row) throw notFound('Subscription');
      return row;
    },
  );

  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        security,
        summary: 'Create a subscription (manual billing; Stripe creates its own)',
        body: CreateBody,
        response: { 201: Subscription, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'subscriptions:write'),
      config: { idempotent: true },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await inAccount('customers', p.accountId, request.body.customer_id, 'customer_id');
      await inAccount('plans', p.accountId, request.body.plan_id, 'plan_id');
      const [plan] = await sql<
        { price_monthly_cents: number; price_yearly_cents: number; currency: string }[]
      >`select price_monthly_cents, price_yearly_cents, currency from plans where id = ${request.body.plan_id}`;
      const cycle = request.body.billing_cycle ?? 'monthly';
      const start = request.body.current_period_start
        ? new Date(request.body.current_period_start)
        : ctx.clock.now();
      const end = new Date(start);
      if (cycle === 'annual') end.setUTCFullYear(end.getUTCFullYear() + 1);
      else end.setUTCMonth(end.getUTCMonth() + 1);
      const values = {
        price_cents: cycle === 'annual' ? plan!.price_yearly_cents : plan!.price_monthly_cents,
        currency: plan!.currency,
        current_period_end: end,
        ...request.body,
        billing_cycle: cycle,
        current_period_start: start,
      };
      const row = await ctx.db.tx(async (tx) => {
        const created = await insertRow<SubscriptionRow>(
          tx,
          'subscriptions',
          p.accountId,
          values,
          JSON_COLUMNS,
        );
        await recordEvent(tx, {
          accountId: p.accountId,
          type: 'subscription.created',
          actor: { type: p.actorType, id: p.actorId },
          subject: { type: 'subscription', id: created.id },
          ip: request.ip,
          data: { plan_id: created.plan_id, billing_cycle: cycle },
        });
        return created;
      });
      return reply.status(201).send(row);
    },
  );

  app.patch(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a subscription',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Subscription, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) => {
      const p = principalOf(request);
      if (request.body.plan_id) await inAccount('plans', p.accountId, request.body.plan_id, 'plan_id');
      return updateAudited<SubscriptionRow>(
        ctx,
        p,
        {
          table: 'subscriptions',
          event: 'subscription.updated',
          jsonColumns: JSON_COLUMNS,
          ip: request.ip,
          what: 'Subscription',
        },
        request.params.id,
        request.body,
      );
    },
  );

  app.post(
    '/api/v1/subscriptions/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel now or at the end of the period',
        params: IdParams,
        body: Type.Optional(CancelBody),
        response: { 200: Subscription, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'subscriptions:write'),
    },
    async (request) => {
      const p = principalOf(request);
      const atPeriodEnd = request.body?.at_period_end ?? true;
      return ctx.db.tx(async (tx) => {
        const [current] = await tx<
          SubscriptionRow[]
        >`select * from subscriptions where account_id = ${p.accountId} and id = ${request.params.id} for update`;
        if (!current) throw notFound('Subscription');
        if (current.status === 'canceled' || current.status === 'expired') {
          throw new AppError('INVALID_STATE_TRANSITION', `The subscription is already ${current.status}`, {
            status: current.status,
          });
        }
        const [row] = await tx<SubscriptionRow[]>`update subscriptions set
            cancel_at_period_end = ${atPeriodEnd}, canceled_at = ${ctx.clock.now()},
            status = ${atPeriodEnd ? current.status : 'canceled'}, updated_at = now()
          where id = ${current.id} returning *`;
        await recordEvent(tx, {
          accountId: p.accountId,
          type: 'subscription.canceled',
          actor: { type: p.actorType, id: p.actorId },
          subject: { type: 'subscription', id: current.id },
          ip: request.ip,
          data: { at_period_end: atPeriodEnd },
        });
        return row!;
      });
    },
  );
}
