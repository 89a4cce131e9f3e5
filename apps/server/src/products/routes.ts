import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { CreateProductBody, ListProductsQuery, ProductSchema, UpdateProductBody } from './schemas.js';
import { archiveProduct, createProduct, getProduct, listProducts, updateProduct } from './service.js';

const tags = ['products'];
const security = [{ bearer: [] }];
const Product = Type.Ref('Product');

export async function productRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(ProductSchema);

  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        security,
        summary: 'List products',
        querystring: ListProductsQuery,
        response: { 200: listOf(Product), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listProducts(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getProduct(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/products',
    {
      schema: {
        tags,
        security,
        summary: 'Create a product',
        body: CreateProductBody,
        response: { 201: Product, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'products:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createProduct(request.ctx, principalOf(request), request.body, request.ip)),
  );

  app.patch(
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a product',
        params: IdParams,
        body: UpdateProductBody,
        response: { 200: Product, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'products:write'),
    },
    async (request) =>
      updateProduct(request.ctx, principalOf(request), request.params.id, request.body, request.ip),
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
      preValidation: requireAction(ctx, 'products:write'),
    },
    async (request) => archiveProduct(request.ctx, principalOf(request), request.params.id, request.ip),
  );
}
