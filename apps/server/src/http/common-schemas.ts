import { type TSchema, Type } from 'typebox';

/** Standard error responses for the OpenAPI document of an authenticated route. */
export const errorResponses = {
  400: Type.Ref('ErrorBody'),
  401: Type.Ref('ErrorBody'),
  403: Type.Ref('ErrorBody'),
  404: Type.Ref('ErrorBody'),
  409: Type.Ref('ErrorBody'),
  422: Type.Ref('ErrorBody'),
  429: Type.Ref('ErrorBody'),
};

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** Query of every admin list: page with limit/offset, free-text search, sort. Extra filters are added per route. */
export function listQuery<P extends Record<string, TSchema>>(sortable: readonly string[], filters: P) {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
      offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
      q: Type.Optional(Type.String({ maxLength: 200 })),
      sort: Type.Optional(Type.Union(sortable.flatMap((s) => [Type.Literal(s), Type.Literal(`-${s}`)]))),
      ...filters,
    },
    { additionalProperties: false },
  );
}

/** The envelope of every admin list. */
export function listOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    pagination: Type.Object({ limit: Type.Integer(), offset: Type.Integer(), has_more: Type.Boolean() }),
  });
}

/** Cuts the look-ahead row fetched to learn whether another page exists. */
export function page<T>(rows: T[], limit: number, offset: number) {
  return { data: rows.slice(0, limit), pagination: { limit, offset, has_more: rows.length > limit } };
}

/** Free-form JSON object with a size guard (metadata): at most `maxProps` keys. */
export function MetadataSchema(maxProps = 50) {
  return Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: maxProps });
}
