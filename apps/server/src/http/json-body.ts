import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';

/** Deepest nesting a request body may have: far beyond any real body, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/** How deeply `value` nests, counted without recursion (a hostile body must not overflow the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * JSON bodies through Fastify's own parser (prototype-poisoning checks included), then refused when they
 * nest deeper than MAX_JSON_DEPTH: a body nested thousands deep otherwise overflowed the stack later on.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err, value) => {
      if (err) return done(err, undefined);
      if (depthOf(value) > MAX_JSON_DEPTH)
        return done(
          new AppError('INVALID_JSON', `The body nests deeper than ${MAX_JSON_DEPTH} levels`),
          undefined,
        );
      done(null, value);
    });
  });
}
