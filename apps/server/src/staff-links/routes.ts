import { Type } from 'typebox';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { SessionSchema } from '../auth/schemas.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import {
  AcceptInvitationBody,
  InspectLinkBody,
  LinkSchema,
  PasswordResetBody,
  PasswordResetRequestBody,
} from './schemas.js';
import { acceptInvitation, inspectLink, requestPasswordReset, resetPassword } from './service.js';

const tags = ['auth'];

/** The one-time links of staff emails: password reset and invitations (no sign-in needed: the link is it). */
export async function staffLinkRoutes(
  app: App,
  { ctx, limiter }: { ctx: AppContext; limiter: LoginLimiter },
) {
  app.addSchema(LinkSchema);

  app.post(
    '/api/v1/auth/password-reset',
    {
      schema: {
        tags,
        summary: 'Email a password reset link (the same answer whether or not the email is a user)',
        body: PasswordResetRequestBody,
        response: { 202: Type.Object({ message: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, limiter, request.body, request.ip);
      return reply.status(202).send({
        message:
          'If a dashboard user has this email, a link to reset the password is on its way. It works for one hour.',
      });
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      schema: {
        tags,
        summary: 'Set a new password with a reset link (signs out every session of the user)',
        body: PasswordResetBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await resetPassword(ctx, request.body, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/invitation/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: choose a password (and name) and sign in',
        body: AcceptInvitationBody,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (request) => acceptInvitation(ctx, request.body, request.ip),
  );

  app.post(
    '/api/v1/auth/links/inspect',
    {
      schema: {
        tags,
        summary: 'Who an emailed link is for (so its page can say so), if it still works',
        body: InspectLinkBody,
        response: { 200: Type.Ref('StaffLink'), ...errorResponses },
      },
    },
    async (request) => inspectLink(ctx, request.body.token),
  );
}
