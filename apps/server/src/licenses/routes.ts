import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import { can } from '../auth/permissions.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { presentLicense } from './present.js';
import { type LicenseWithPlan, withCustomerContact } from './repository.js';
import {
  ChangePlanBody,
  CreateLicenseBody,
  LicenseSchema,
  ListLicensesQuery,
  ReasonBody,
  RegenerateKeyBody,
  RenewBody,
  TransferBody,
  UpdateLicenseBody,
} from './schemas.js';
import {
  changeLicensePlan,
  createLicense,
  getLicense,
  getLicenseByKey,
  regenerateLicenseKey,
  renewLicense,
  searchLicenses,
  transferLicense,
  transitionLicense,
  updateLicense,
} from './service.js';

const tags = ['licenses'];
const security = [{ bearer: [] }];
const License = Type.Ref('License');

export async function licenseRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(LicenseSchema);
  const meta = (r: FastifyRequest) => ({ ip: r.ip, requestId: String(r.id) });
  const present = (r: FastifyRequest, row: LicenseWithPlan) =>
    presentLicense(row, ctx.keyring, ctx.clock.now(), can(principalOf(r).role, 'licenses:write'));
  // A single license answers with its customer's email and company, as the list does.
  const show = async (r: FastifyRequest, row: LicenseWithPlan) =>
    present(r, await withCustomerContact(r.ctx.db.sql, row));

  app.get(
    '/api/v1/licenses',
    {
      schema: {
        tags,
        security,
        summary: 'List licenses (filters, search by key, last 4 or customer)',
        querystring: ListLicensesQuery,
        response: { 200: listOf(License), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const rows = await searchLicenses(request.ctx, principalOf(request).accountId, request.query);
      const result = page(rows, request.query.limit, request.query.offset);
      return { ...result, data: result.data.map((row) => present(request, row)) };
    },
  );

  app.get(
    '/api/v1/licenses/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a license',
        params: IdParams,
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      show(request, await getLicense(request.ctx, principalOf(request).accountId, request.params.id)),
  );

  app.post(
    '/api/v1/licenses/by-key',
    {
      schema: {
        tags,
        security,
        summary: 'Find a license by its key (POST so the key stays out of URLs and logs)',
        body: Type.Object(
          { key: Type.String({ minLength: 8, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      return show(
        request,
        await getLicenseByKey(request.ctx, principalOf(request).accountId, request.body.key),
      );
    },
  );

  app.post(
    '/api/v1/licenses',
    {
      schema: {
        tags,
        security,
        summary: 'Issue a license from a plan',
        body: CreateLicenseBody,
        response: { 201: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'licenses:create'),
      config: { idempotent: true },
    },
    async (request, reply) => {
      const { license } = await createLicense(request.ctx, principalOf(request), request.body, meta(request));
      return reply.status(201).send(await show(request, license));
    },
  );

  app.patch(
    '/api/v1/licenses/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update mutable fields',
        params: IdParams,
        body: UpdateLicenseBody,
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) =>
      show(
        request,
        await updateLicense(
          request.ctx,
          principalOf(request),
          request.params.id,
          request.body,
          meta(request),
        ),
      ),
  );

  const transitions = [
    ['activate', 'licenses:write', 'Activate a pending license'],
    ['suspend', 'licenses:write', 'Suspend (validation fails until reinstated)'],
    ['reinstate', 'licenses:write', 'Reinstate a suspended license'],
    ['revoke', 'licenses:revoke', 'Revoke for good; frees all seats'],
  ] as const;
  for (const [action, permission, summary] of transitions) {
    app.post(
      `/api/v1/licenses/:id/${action}`,
      {
        schema: {
          tags,
          security,
          summary,
          params: IdParams,
          body: Type.Optional(ReasonBody),
          response: { 200: License, ...errorResponses },
        },
        preValidation: requireAction(ctx, permission),
      },
      async (request) =>
        show(
          request,
          await transitionLicense(
            request.ctx,
            principalOf(request),
            request.params.id,
            action,
            request.body?.reason,
            meta(request),
          ),
        ),
    );
  }

  app.post(
    '/api/v1/licenses/:id/renew',
    {
      schema: {
        tags,
        security,
        summary: 'Extend the expiry',
        params: IdParams,
        body: Type.Optional(RenewBody),
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) =>
      show(
        request,
        await renewLicense(
          request.ctx,
          principalOf(request),
          request.params.id,
          request.body ?? {},
          meta(request),
        ),
      ),
  );

  app.post(
    '/api/v1/licenses/:id/transfer',
    {
      schema: {
        tags,
        security,
        summary: 'Move to another customer',
        params: IdParams,
        body: TransferBody,
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) =>
      show(
        request,
        await transferLicense(
          request.ctx,
          principalOf(request),
          request.params.id,
          request.body.customer_id,
          meta(request),
        ),
      ),
  );

  app.post(
    '/api/v1/licenses/:id/change-plan',
    {
      schema: {
        tags,
        security,
        summary: 'Upgrade or downgrade (features and limits follow the plan)',
        params: IdParams,
        body: ChangePlanBody,
        response: { 200: License, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) =>
      show(
        request,
        await changeLicensePlan(
          request.ctx,
          principalOf(request),
          request.params.id,
          request.body.plan_id,
          meta(request),
        ),
      ),
  );

  app.post(
    '/api/v1/licenses/:id/regenerate-key',
    {
      schema: {
        tags,
        security,
        summary: 'Issue a new key; the old one stops working and, unless keep_seats, so do its seats',
        params: IdParams,
        body: Type.Optional(RegenerateKeyBody),
        response: {
          200: Type.Intersect([License, Type.Object({ seats_ended: Type.Integer({ minimum: 0 }) })]),
          ...errorResponses,
        },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) => {
      const { license, seatsEnded } = await regenerateLicenseKey(
        request.ctx,
        principalOf(request),
        request.params.id,
        request.body?.keep_seats ?? false,
        meta(request),
      );
      return { ...(await show(request, license)), seats_ended: seatsEnded };
    },
  );
}
