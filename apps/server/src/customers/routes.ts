import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { insertAudited, updateAudited } from '../db/audited-rows.js';
import { orderBy } from '../db/order-by.js';
import { errorResponses, IdParams, listOf, listQuery, MetadataSchema, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const STATUS = Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('cancelled')]);
const fields = {
  email: Type.String({ format: 'email', maxLength: 254 }),
  company_name: Nullable(Type.String({ maxLength: 200 })),
  first_name: Nullable(Type.String({ maxLength: 100 })),
  last_name: Nullable(Type.String({ maxLength: 100 })),
  phone: Nullable(Type.String({ maxLength: 50 })),
  address: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), {
    maxProperties: 10,
  }),
  status: STATUS,
  metadata: MetadataSchema(),
  external_ids: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), {
    maxProperties: 10,
  }),
};
const CustomerSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    ...fields,
    email: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    license_count: Type.Optional(Type.Integer()),
    active_devices: Type.Optional(Type.Integer()),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Customer' },
);
const { email, ...optional } = fields;
const CreateBody = Type.Object(
  { email, ...Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, Type.Optional(v)])) } as never,
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as never,
  { additionalProperties: false, minProperties: 1 },
);
const ListQuery = listQuery(['created_at', 'email', 'company_name'], { status: Type.Optional(STATUS) });
const JSON_COLUMNS = ['address', 'metadata', 'external_ids'];
const SORTABLE = { created_at: 'created_at', email: 'email', company_name: 'company_name' };
const tags = ['customers'];
const security = [{ bearer: [] }];

type CustomerRow = { id: string; email: string };

export async function customerRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(CustomerSchema);
  const Customer = Type.Ref('Customer');
  const emailTaken = async (accountId: string, value: string, exceptId?: string) => {
    const [row] = await ctx.db
      .sql`select 1 from customers where account_id = ${accountId} and lower(email) = lower(${value}) ${exceptId ? ctx.db.sql`and id <> ${exceptId}` : ctx.db.sql``}`;
    if (row)
      throw new AppError('ALREADY_EXISTS', `A customer with email ${value} already exists`, {
        pointer: '/body/email',
      });
  };

  app.get(
    '/api/v1/customers',
    {
      schema: {
        tags,
        security,
        summary: 'List customers',
        querystring: ListQuery,
        response: { 200: listOf(Customer), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, q, sort, status } = request.query;
      const sql = ctx.db.sql;
      const rows = await sql`
      select * from customers where account_id = ${principalOf(request).accountId}
        ${status ? sql`and status = ${status}` : sql``}
        ${q ? sql`and (email ilike ${`%${q}%`} or company_name ilike ${`%${q}%`} or (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ilike ${`%${q}%`})` : sql``}
      ${orderBy(sql, sort, SORTABLE, '-created_at')} limit ${limit + 1} offset ${offset}`;
      return page(rows, limit, offset);
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a customer with license and device counts',
        params: IdParams,
        response: { 200: Customer, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const accountId = principalOf(request).accountId;
      const [row] = await ctx.db.sql`
      select c.*, (select count(*)::int from licenses l where l.customer_id = c.id) as license_count,
        (select count(*)::int from activations a join licenses l on l.id = a.license_id where l.customer_id = c.id and a.status = 'active') as active_devices
      from customers c where c.account_id = ${accountId} and c.id = ${request.params.id}`;
      if (!row) throw notFound('Customer');
      return row;
    },
  );

  app.post(
    '/api/v1/customers',
    {
      schema: {
        tags,
        security,
        summary: 'Create a customer',
        body: CreateBody,
        response: { 201: Customer, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'customers:write'),
      config: { idempotent: true },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body as unknown as Record<string, unknown> & { email: string };
      await emailTaken(p.accountId, body.email);
      const row = await insertAudited<CustomerRow>(
        ctx,
        p,
        { table: 'customers', event: 'customer.created', jsonColumns: JSON_COLUMNS, ip: request.ip },
        body,
        (c) => ({ email: c.email }),
      );
      return reply.status(201).send(row);
    },
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a customer',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Customer, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'customers:write'),
    },
    async (request) => {
      const p = principalOf(request);
      const patch = request.body as unknown as Record<string, unknown>;
      if (typeof patch.email === 'string') await emailTaken(p.accountId, patch.email, request.params.id);
      return updateAudited<CustomerRow>(
        ctx,
        p,
        {
          table: 'customers',
          event: 'customer.updated',
          jsonColumns: JSON_COLUMNS,
          ip: request.ip,
          what: 'Customer',
        },
        request.params.id,
        patch,
      );
    },
  );
}
