import { Type } from 'typebox';
import type { App } from '../http/types.js';
import { errorCatalogue, errorCataloguePage } from './error-pages.js';
import { REDOC_CSP, REDOC_PAGE, redocBundle } from './redoc.js';

const tags = ['docs'];

/** Public documentation pages: those the SDK links to (`KeywardError.docUrl`), and the API reference. */
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

  // The OpenAPI document (/openapi.json) read by ReDoc, beside Swagger UI's /docs; not in the document.
  app.get('/redoc', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', REDOC_CSP)
      .header('cache-control', 'no-cache')
      .send(REDOC_PAGE),
  );
  app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(redocBundle()),
  );
}
