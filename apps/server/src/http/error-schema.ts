import { Type } from 'typebox';
import { ERROR_STATUS } from '../core/errors.js';

/** OpenAPI schema of the one error body. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(Object.keys(ERROR_STATUS).map((c) => Type.Literal(c))),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
      request_id: Type.String(),
    }),
  },
  { $id: 'ErrorBody', title: 'ErrorBody' },
);
