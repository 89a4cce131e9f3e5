import type { FastifyInstance } from 'fastify';

/**
 * Headers for JSON API responses: the OWASP REST set. The browser-document headers helmet adds
 * (COOP, CORP, DNS prefetch, download options …) mean nothing on JSON and cost bytes on every
 * validation, so they go only with pages (see PAGE_HEADERS). Precomputed once: building them per
 * request (helmet) cost over a third of the validation path's throughput.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** What helmet sets by default, for everything that is not the JSON API (docs, pages, assets). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const isApi = (url: string) =>
  url.startsWith('/api/') || url.startsWith('/.well-known/') || url === '/health' || url === '/ready';

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApi(request.url) ? API_HEADERS : PAGE_HEADERS);
    reply.header('x-request-id', request.id);
    done();
  });
}
