import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** CSP for the dashboard and portal pages (scripts only from this origin, no inline scripts). */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Keyward</title>
<p>The web app is not built yet. Run <code>npm run build -w apps/web</code> (npm install does it for you).</p>`;

/** Serves the built dashboard (/admin) and portal (/portal) single-page apps from apps/web/dist. */
export async function serveWebApps(app: FastifyInstance, distDir = DIST): Promise<void> {
  const built = existsSync(`${distDir}admin.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: `${distDir}assets`,
      prefix: '/assets/',
      decorateReply: true,
      immutable: true,
      maxAge: '365d',
    });
  }
  const page = (file: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    if (!built) return reply.status(503).type('text/html').send(NOT_BUILT);
    return (
      reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', PAGE_CSP)
        // Pages name the hashed assets of their build: they must be revalidated, not cached `immutable`
        // like the assets (the plugin's options would apply to them otherwise).
        .sendFile(file, distDir, { cacheControl: false })
    );
  };
  const opts = { schema: { hide: true }, config: { rateLimit: false as const } };
  for (const [prefix, file] of [
    ['/admin', 'admin.html'],
    ['/portal', 'portal.html'],
  ] as const) {
    app.get(prefix, opts, page(file));
    app.get(`${prefix}/*`, opts, page(file));
  }
  app.get('/', opts, async (_req, reply) => reply.redirect('/admin'));
}
