import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * Which methods a path answers to: a second router holding every route's pattern, so that a request
 * whose path exists under another method is a 405 with an `Allow` header, not a 404. Only the 404
 * handler consults it, so it costs matched requests nothing.
 */
export class RouteMethods {
  private readonly router = FindMyWay();
  private readonly methods = new Set<HTTPMethod>();

  /** Records each route as it is added (call before any route is registered). */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      // A catch-all (CORS preflight's OPTIONS *) would make every unknown path a 405.
      if (route.url === '*' || route.url === '/*') return;
      const methods = (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethod[];
      for (const method of methods) {
        if (this.router.hasRoute(method, route.url)) continue;
        this.router.on(method, route.url, () => {});
        this.methods.add(method);
      }
    });
  }

  /** The methods that have a route for this path (empty when the path has none). */
  allowed(path: string): HTTPMethod[] {
    return [...this.methods].filter((m) => this.router.find(m, path) !== null).sort();
  }
}
