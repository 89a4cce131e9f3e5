import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { DemoDataResult, FirstRunStatus } from './schemas.js';
import { firstRunStatus, loadDemoData, loaderOf } from './service.js';

const tags = ['first run'];
const security = [{ bearer: [] }];

/** The overview's first-run checklist and the opt-in demo catalogue. */
export async function firstRunRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(DemoDataResult);
  app.addSchema(FirstRunStatus);

  app.get(
    '/api/v1/first-run',
    {
      schema: {
        tags,
        security,
        summary: 'First-run checklist: which setup steps are done, and what the integration snippets need',
        response: { 200: Type.Ref('FirstRunStatus'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => firstRunStatus(request.ctx, principalOf(request)),
  );

  app.post(
    '/api/v1/demo-data',
    {
      schema: {
        tags,
        security,
        summary:
          'Load the demo catalogue (an ERP-style product, plans free to enterprise); loading again adds nothing, and 409 when a demo code is already one of yours',
        response: { 200: Type.Ref('DemoDataResult'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'demo_data:load'),
    },
    async (request) =>
      loadDemoData(
        request.ctx.db,
        loaderOf(principalOf(request), { ip: request.ip, requestId: String(request.id) }),
      ),
  );
}
