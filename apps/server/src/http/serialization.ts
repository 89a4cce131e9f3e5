import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type BuildSerializer = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's own response serializer factory (fast-json-stringify), compiling each route's response
 * schema on the first response that uses it instead of at start-up: building every serializer was
 * over 40 % of the start (performance.md B9) and heap held for routes never called.
 */
export const lazySerializerFactory: BuildSerializer = (externalSchemas, options) => {
  const build = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => {
      serialize ??= build(route) as (data: unknown) => string;
      return serialize(data);
    };
  };
};
