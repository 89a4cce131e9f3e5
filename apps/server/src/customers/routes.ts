import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { CreateCustomerBody, CustomerSchema, ListCustomersQuery, UpdateCustomerBody } from './schemas.js';
import { createCustomer, getCustomer, listCustomers, updateCustomer } from './service.js';

const tags = ['customers'];
const security = [{ bearer: [] }];
const Customer = Type.Ref('Customer');

export async function customerRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(CustomerSchema);

  app.get(
    '/api/v1/customers',
    {
      schema: {
        tags,
        security,
        summary: 'List customers',
        querystring: ListCustomersQuery,
        response: { 200: listOf(Customer), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listCustomers(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
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
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getCustomer(request.ctx, principalOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/v1/customers',
    {
      schema: {
        tags,
        security,
        summary: 'Create a customer',
        body: CreateCustomerBody,
        response: { 201: Customer, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'customers:write'),
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createCustomer(request.ctx, principalOf(request), request.body, request.ip)),
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Update a customer',
        params: IdParams,
        body: UpdateCustomerBody,
        response: { 200: Customer, ...errorResponses },
      },
      preValidation: requireAction(ctx, 'customers:write'),
    },
    async (request) =>
      updateCustomer(request.ctx, principalOf(request), request.params.id, request.body, request.ip),
  );
}
