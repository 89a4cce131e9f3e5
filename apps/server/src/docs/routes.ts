import { Type } from 'typebox';
import type { App } from '../http/types.js';
import { errorCatalogue, errorCataloguePage } from './error-pages.js';

const tags = ['docs'];

/** Public documentation pages the SDK links to (`KeywardError.docUrl`). */
export async function docsRoutes(app: App) {
  app.get(
    '/docs/errors',
    { schema: { tags, summary: 'Every SDK error code explained (HTML, one #CODE section each)' } },
    async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(errorCataloguePage()),
  );

  app.get(
    '/docs/errors.json',
    {
      schema: {
        tags,
        summary: 'Every SDK error code explained',
        response: {
          200: Type.Record(
            Type.String(),
            Type.Object({ meaning: Type.String(), userMessage: Type.String(), vendorAction: Type.String() }),
          ),
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send(errorCatalogue()),
  );
}
