import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { CreateAccountBody, CreatedAccountSchema } from './schemas.js';
import { createManagedAccount, getAccount, listAccounts, setAccountEnabled } from './service.js';

const tags = ['accounts'];
const security = [{ bearer: [] }];
const operatorOnly =
  "The operator's: an owner of the server's first account, with KEYWARD_MULTI_ACCOUNT=true (403 MULTI_ACCOUNT_DISABLED otherwise).";

/** The deployment's accounts (issue O): create, list, disable, enable. */
export async function accountRoutes(app: App, { ctx }: { ctx: AppContext }) {
  const guard = requireAction(ctx, 'accounts:manage');

  app.get(
    '/api/v1/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'List the accounts of this server',
        description: operatorOnly,
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('Account')) }), ...errorResponses },
      },
      preValidation: guard,
    },
    async (request) => ({ data: await listAccounts(request.ctx, principalOf(request)) }),
  );

  app.get(
    '/api/v1/accounts/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an account',
        description: operatorOnly,
        params: IdParams,
        response: { 200: Type.Ref('Account'), ...errorResponses },
      },
      preValidation: guard,
    },
    async (request) => getAccount(request.ctx, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'Create an account and its owner (without a password: invite the owner by email)',
        description: `${operatorOnly} The new account has its own catalogue, signing keys and staff.`,
        body: CreateAccountBody,
        response: { 201: CreatedAccountSchema, ...errorResponses },
      },
      preValidation: guard,
      config: { idempotent: true },
    },
    async (request, reply) =>
      reply.status(201).send(await createManagedAccount(request.ctx, principalOf(request), request.body)),
  );

  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const)
    app.post(
      `/api/v1/accounts/:id/${verb}`,
      {
        schema: {
          tags,
          security,
          summary: enabled
            ? 'Enable a disabled account'
            : "Disable an account: its staff and API keys are refused; its customers' licenses keep working",
          description: operatorOnly,
          params: IdParams,
          response: { 200: Type.Ref('Account'), ...errorResponses },
        },
        preValidation: guard,
      },
      async (request) => setAccountEnabled(request.ctx, principalOf(request), request.params.id, enabled),
    );
}
