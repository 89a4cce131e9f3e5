import { Type } from 'typebox';
import { principalOf, requireAction } from '../auth/guard.js';
import type { AppContext } from '../core/context.js';
import { errorResponses, listOf, page } from '../http/common-schemas.js';
import type { App } from '../http/types.js';
import { EventIdParams, EventListQuery, EventSchema } from './schemas.js';
import { getEvent, listEvents } from './service.js';

const tags = ['events'];
const security = [{ bearer: [] }];

/** The audit log, read-only: there is no write path (and the database refuses one). */
export async function eventRoutes(app: App, { ctx }: { ctx: AppContext }) {
  app.addSchema(EventSchema);

  app.get(
    '/api/v1/events',
    {
      schema: {
        tags,
        security,
        summary: 'Search the audit log, newest first',
        querystring: EventListQuery,
        response: { 200: listOf(Type.Ref('Event')), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => {
      const { limit, offset } = request.query;
      return page(
        await listEvents(request.ctx, principalOf(request).accountId, request.query),
        limit,
        offset,
      );
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Get an event',
        params: EventIdParams,
        response: { 200: Type.Ref('Event'), ...errorResponses },
      },
      preValidation: requireAction(ctx, 'read'),
    },
    async (request) => getEvent(request.ctx, principalOf(request).accountId, request.params.id),
  );
}
