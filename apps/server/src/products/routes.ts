import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { AppError, notFound } from '../core/errors.js';
import { insertAudited, updateAudited } from '../db/audited-rows.js';
import { recordEvent } from '../events/record.js';
import { errorResponses, IdParams, listOf, listQuery, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const fields = {
  code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  version: Nullable(Type.String({ maxLength: 50 })),
  description: Type.String({ maxLength: 2000 }),
};
const ProductSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    ...fields,
    archived_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Product' },
);
const CreateBody = Type.Object(
  {
    code: fields.code,
    name: fields.name,
    version: Type.Optional(fields.version),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(fields.name),
    version: Type.Optional(fields.version),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false, minProperties: 1 },
);
const ListQuery = listQuery(['created_at', 'code', 'name'], {
  include_archived: Type.Optional(Type.Boolean()),
});
const tags = ['products'];
const security = [{ bearer: [] }];

type ProductRow = { id: string; code: string };

export async function productRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(ProductSchema);
  const Product = Type.Ref('Product');
  const sql = ctx.db.sql;

  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        security,
        summary: 'List products',
        querystring: ListQuery,
        response: { 200: listOf(Product), ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset, q, include_archived } = request.query;
      const rows = await sql`select * from products where account_id = ${principalOf(request).accountId}
      ${include_archived ? sql`` : sql`and archived_at is null`}
      ${q ? sql`and (code ilike ${`%${q}%`} or name ilike ${`%${q}%`})` : sql``}
      order by created_at desc, id desc limit ${limit + 1} offset ${offset}`;
      return page(rows, limit, offset);
    },
  );

  app.get(
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get a product',
        params: IdParams,
        response: { 200: Product, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'read'),
    },
    async (request) => {
      const [row] =
        await sql`select * from products where account_id = ${principalOf(request).accountId} and id = ${request.params.id}`;
      if (!row) throw notFound('Product');
      return row;
    },
  );

  app.post(
    '/api/v1/products',
    {
      schema: {
        tags,
        security,
        summary: 'Create a product',
        body: CreateBody,
        response: { 201: Product, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'products:write'),
      config: { idempotent: true },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const [taken] =
        await sql`select 1 from products where account_id = ${p.accountId} and code = ${request.body.code}`;
      if (taken)
        throw new AppError('ALREADY_EXISTS', `A product with code "${request.body.code}" already exists`, {
          pointer: '/body/code',
        });
      const row = await insertAudited<ProductRow>(
        ctx,
        p,
        { table: 'products', event: 'product.created', jsonColumns: [], ip: request.ip },
        request.body,
        (r) => ({ code: r.code }),
      );
      return reply.status(201).send(row);
    },
  );

  app.patch(
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a product',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Product, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'products:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return updateAudited<ProductRow>(
        ctx,
        p,
        { table: 'products', event: 'product.updated', jsonColumns: [], ip: request.ip, what: 'Product' },
        request.params.id,
        request.body,
      );
    },
  );

  app.post(
    '/api/v1/products/:id/archive',
    {
      schema: {
        tags,
        security,
        summary: 'Archive a product',
        params: IdParams,
        response: { 200: Product, ...errorResponses },
      },
      preHandler: requireAction(ctx, 'products:write'),
    },
    async (request) => {
      const p = principalOf(request);
      return ctx.db.tx(async (tx) => {
        const [row] = await tx<
          ProductRow[]
        >`update products set archived_at = coalesce(archived_at, now()), updated_at = now() where account_id = ${p.accountId} and id = ${request.params.id} returning *`;
        if (!row) throw notFound('Product');
        await recordEvent(tx, {
          accountId: p.accountId,
          type: 'product.archived',
          actor: { type: p.actorType, id: p.actorId },
          subject: { type: 'product', id: row.id },
          ip: request.ip,
        });
        return row;
      });
    },
  );
}
