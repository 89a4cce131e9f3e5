import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, IdParams, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { BrandingSchema, UpdateBrandingBody } from './branding.js';
import {
  EmailPreviewSchema,
  EmailSchema,
  ListEmailsQuery,
  MailSettingSchema,
  UpdateMailSettingsBody,
} from './schemas.js';
import {
  getBranding,
  getMailSettings,
  listEmails,
  previewEmail,
  resendEmail,
  updateBranding,
  updateMailSettings,
} from './service.js';

const tags = ['email'];
const security = [{ bearer: [] }];

export async function mailRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(EmailSchema);
  app.addSchema(EmailPreviewSchema);
  app.addSchema(BrandingSchema);
  app.addSchema(MailSettingSchema);

  app.get(
    '/api/v1/emails',
    {
      schema: {
        tags,
        security,
        summary: 'The email log and outbox, newest first',
        querystring: ListEmailsQuery,
        response: { 200: listOf(Type.Ref('Email')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) =>
      page(
        await listEmails(request.ctx, principalOf(request).accountId, request.query),
        request.query.limit,
        request.query.offset,
      ),
  );

  app.get(
    '/api/v1/emails/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'An email, rendered as it would be sent now (the license key only for roles that may see keys)',
        params: IdParams,
        response: { 200: Type.Ref('EmailPreview'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => previewEmail(request.ctx, principalOf(request), request.params.id),
  );

  app.post(
    '/api/v1/emails/:id/resend',
    {
      schema: {
        tags,
        security,
        summary: 'Send an email again now',
        params: IdParams,
        response: { 202: Type.Object({ queued: Type.Boolean() }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'customers:write'),
    },
    async (request, reply) => {
      await resendEmail(request.ctx, principalOf(request), request.params.id);
      return reply.status(202).send({ queued: true });
    },
  );

  app.get(
    '/api/v1/account/branding',
    {
      schema: {
        tags,
        security,
        summary: "How the account's emails present it",
        response: { 200: Type.Ref('Branding'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getBranding(request.ctx, principalOf(request).accountId),
  );

  app.patch(
    '/api/v1/account/branding',
    {
      schema: {
        tags,
        security,
        summary:
          'Set the product name, sender, support address and logo of emails (null: back to the default)',
        body: UpdateBrandingBody,
        response: { 200: Type.Ref('Branding'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'account:write'),
    },
    async (request) => updateBranding(request.ctx, principalOf(request), request.body, request.ip),
  );

  app.get(
    '/api/v1/account/email-settings',
    {
      schema: {
        tags,
        security,
        summary: 'Which emails the account sends',
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('MailSetting')) }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getMailSettings(request.ctx, principalOf(request).accountId),
  );

  app.patch(
    '/api/v1/account/email-settings',
    {
      schema: {
        tags,
        security,
        summary: 'Turn emails on or off (null: back to the default; sign-in emails stay on)',
        body: UpdateMailSettingsBody,
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('MailSetting')) }), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'account:write'),
    },
    async (request) =>
      updateMailSettings(request.ctx, principalOf(request), request.body.templates, request.ip),
  );
}
