/**
 * The client API's bodies as the server declares them: derived from api-schema.d.ts, which
 * `npm run gen:api -w packages/sdk` generates from the OpenAPI document (types only, so the browser
 * bundle stays free of it). A server change that breaks the SDK's calls fails the typecheck here.
 */
import type { components, paths } from './api-schema.js';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type PostOf<P extends keyof paths> = paths[P] extends { post: infer Op } ? Op : never;

/** The calls under `/api/v1/licensing/` the SDK posts to, by their last path segment. */
export type LicensingCall = {
  [P in keyof paths]: P extends `/api/v1/licensing/${infer Name}`
    ? PostOf<P> extends never
      ? never
      : Name
    : never;
}[keyof paths];

type CallOp<N extends LicensingCall> = PostOf<`/api/v1/licensing/${N}`>;

/** What a call sends. */
export type CallBody<N extends LicensingCall> = CallOp<N> extends { requestBody: infer B } ? Json<B> : never;

/** What a call answers when it succeeds (200, or 202 for a report). */
export type CallAnswer<N extends LicensingCall> =
  CallOp<N> extends { responses: infer R }
    ? R extends { 200: infer Ok }
      ? Json<Ok>
      : R extends { 202: infer Accepted }
        ? Json<Accepted>
        : never
    : never;

/** A validation outcome: invalid licenses are answers, not errors. */
export type ValidationAnswer = CallAnswer<'validate'>;

/** A report of something suspicious, as kept until it can be sent (the seat is added when sending). */
export type Report = Omit<CallBody<'report'>, 'license_key' | 'device_id'>;

/** The server's error body; every field may be missing when something else (a proxy) answered. */
export type ErrorAnswer = { error?: Partial<components['schemas']['ErrorBody']['error']> };
