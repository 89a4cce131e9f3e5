import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { AssignUserBody, LicenseUserParams, LicenseUserSchema } from './schemas.js';
import { assignUser, listUsersOfLicense, unassignUser } from './service.js';

const tags = ['licenses'];
const security = [{ bearer: [] }];

/** Named-user licenses: staff assign users to seats; each user's app activates with `user`. */
export async function licenseUserRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(LicenseUserSchema);
  const LicenseUser = Type.Ref('LicenseUser');
  const meta = (request: { ip: string; id: string }) => ({ ip: request.ip, requestId: request.id });

  app.get(
    '/api/v1/licenses/:id/users',
    {
      schema: {
        tags,
        security,
        summary: "A named-user license's users and their live devices",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(LicenseUser) }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => ({
      data: await listUsersOfLicense(request.ctx, principalOf(request).accountId, request.params.id),
    }),
  );

  app.post(
    '/api/v1/licenses/:id/users',
    {
      schema: {
        tags,
        security,
        summary: 'Assign a user a seat of a named-user license',
        params: IdParams,
        body: AssignUserBody,
        response: {
          201: Type.Object({
            user: LicenseUser,
            warnings: Type.Array(Type.Object({ code: Type.Literal('SEAT_OVERAGE'), message: Type.String() })),
          }),
          ...errorResponses,
        },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await assignUser(request.ctx, principalOf(request), request.params.id, request.body, meta(request)),
        ),
  );

  app.delete(
    '/api/v1/licenses/:id/users/:userId',
    {
      schema: {
        tags,
        security,
        summary: "Take a user's seat back; their devices on the license stop validating",
        params: LicenseUserParams,
        response: {
          200: Type.Object({ success: Type.Literal(true), devices_ended: Type.Integer() }),
          ...errorResponses,
        },
      },
      preValidation: requireAction(ctx, 'licenses:write'),
    },
    async (request) =>
      unassignUser(
        request.ctx,
        principalOf(request),
        request.params.id,
        request.params.userId,
        meta(request),
      ),
  );
}
