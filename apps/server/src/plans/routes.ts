import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, listQuery, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { policyDefaults } from '../policies/policy.js';
import { PolicySchema } from '../policies/schemas.js';
import { CreatePlanBody, PlanSchema, UpdatePlanBody } from './schemas.js';
import {
  archivePlan,
  createPlan,
  duplicatePlan,
  getPlan,
  listAccountPlans,
  publicPlans,
  updatePlan,
} from './service.js';

const tags = ['plans'];
const security = [{ bearer: [] }];
const Plan = Type.Ref('Plan');
const ListPlansQuery = listQuery(['rank', 'code', 'name', 'created_at', 'price_monthly_cents'], {
  product_id: Type.Optional(Type.String({ format: 'uuid' })),
  active: Type.Optional(Type.Boolean()),
  include_archived: Type.Optional(Type.Boolean()),
});
const DuplicateBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const PublicPlan = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  rank: Type.Integer(),
  price_monthly_cents: Type.Integer(),
  price_yearly_cents: Type.Integer(),
  currency: Type.String(),
  features: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  limits: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
  max_activations: Type.Union([Type.Integer(), Type.Null()]),
  trial_allowed: Type.Boolean(),
  trial_days: Type.Integer(),
  popular: Type.Boolean(),
  for_sale: Type.Object(
    { monthly: Type.Boolean(), annual: Type.Boolean() },
    { description: 'Whether the portal can sell it for that cycle (Stripe is set up and the price mapped)' },
  ),
});

export async function planRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(PlanSchema);
  const meta = (r: { ip: string; id: unknown }) => ({ ip: r.ip, requestId: String(r.id) });

  app.get(
    '/api/v1/plans/policy-defaults',
    {
      schema: {
        tags,
        security,
        summary: 'The policy defaults of every license type and model (what a plan overrides)',
        response: {
          200: Type.Record(Type.String(), Type.Record(Type.String(), PolicySchema)),
          ...errorResponses,
        },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async () => policyDefaults(),
  );

  app.get(
    '/api/v1/plans',
    {
      schema: {
        tags,
        security,
        summary: 'List plans (tiers)',
        querystring: ListPlansQuery,
        response: { 200: listOf(Plan), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listAccountPlans(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/plans/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a plan',
        params: IdParams,
        response: { 200: Plan, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getPlan(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/plans',
    {
      schema: {
        tags,
        security,
        summary: 'Create a plan',
        body: CreatePlanBody,
        response: { 201: Plan, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'plans:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createPlan(request.ctx, principalOf(request), request.body, meta(request))),
  );

  app.patch(
    '/api/v1/plans/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a plan (existing licenses keep their copy until they change plan)',
        params: IdParams,
        body: UpdatePlanBody,
        response: { 200: Plan, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'plans:write'),
    },
    async (request) =>
      updatePlan(
        request.ctx,
        principalOf(request),
        request.params.id,
        request.body as Record<string, unknown>,
        meta(request),
      ),
  );

  app.post(
    '/api/v1/plans/:id/duplicate',
    {
      schema: {
        tags,
        security,
        summary: 'Copy a plan under a new code',
        params: IdParams,
        body: DuplicateBody,
        response: { 201: Plan, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'plans:write'),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await duplicatePlan(
            request.ctx,
            principalOf(request),
            request.params.id,
            request.body,
            meta(request),
          ),
        ),
  );

  app.post(
    '/api/v1/plans/:id/archive',
    {
      schema: {
        tags,
        security,
        summary: 'Stop offering a plan',
        params: IdParams,
        response: { 200: Plan, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'plans:write'),
    },
    async (request) => archivePlan(request.ctx, principalOf(request), request.params.id, meta(request)),
  );

  app.get(
    '/api/v1/portal/plans',
    {
      schema: {
        tags: ['portal'],
        summary: 'Public pricing: active, public plans',
        querystring: Type.Object(
          { account: Type.String({ maxLength: 63, default: 'default' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(PublicPlan) }) },
      },
    },
    async (request) => {
      const selling = Boolean(request.ctx.config.stripeSecretKey && request.ctx.config.stripeWebhookSecret);
      const plans = await publicPlans(request.ctx, request.query.account);
      return {
        data: plans.map((p) => ({
          ...p,
          for_sale: {
            monthly: selling && Boolean(p.stripe_price_monthly),
            annual: selling && Boolean(p.stripe_price_annual),
          },
        })),
      };
    },
  );
}
