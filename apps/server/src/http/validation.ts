import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError, type ErrorCode } from './errors.js';

// ajv-formats ships CJS; its default export is nested under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false, // unknown fields on writes are refused, not silently dropped
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON: no type coercion ("5" is not 5). Query strings and params are text: coerce.
const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

/** Fastify validator compiler: strict for bodies, coercing for query/params/headers. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const validate = ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  // An optional body (TypeBox `Type.Optional`) may be left out entirely.
  if (httpPart === 'body' && (schema as Record<string, unknown>)['~optional']) {
    // Fastify reads the failure from `.errors` of the function it was given, so pass them on.
    const optional = ((data: unknown) => {
      if (data === undefined || data === null) return true;
      const ok = validate(data);
      (optional as { errors?: unknown }).errors = (validate as { errors?: unknown }).errors;
      return ok;
    }) as typeof validate;
    return optional;
  }
  return validate;
};

/** Turns the first ajv error into a specific code with a JSON pointer to the field. */
export function validationToAppError(errors: ErrorObject[], part: string): AppError {
  const first = errors[0];
  // Fastify names the query part "querystring"; pointers say "/query/<name>".
  if (part === 'querystring') part = 'query';
  const base = `/${part}${first?.instancePath ?? ''}`;
  let code: ErrorCode = 'INVALID_FIELD';
  let pointer = base;
  let message = `${pointer} ${first?.message ?? 'is invalid'}`;
  if (first?.keyword === 'required') {
    code = 'MISSING_FIELD';
    pointer = `${base}/${(first.params as { missingProperty: string }).missingProperty}`;
    message = `${pointer} is required`;
  } else if (first?.keyword === 'additionalProperties') {
    code = 'UNKNOWN_FIELD';
    pointer = `${base}/${(first.params as { additionalProperty: string }).additionalProperty}`;
    message = `${pointer} is not a known field; remove it`;
  } else if (first?.keyword === 'type' && part === 'body' && first.instancePath === '') {
    code = 'INVALID_REQUEST';
    message = 'The request body must be a JSON object';
  }
  return new AppError(code, message, {
    pointer,
    reason: first?.keyword ?? 'invalid',
    ...(first?.params ? { constraint: first.params } : {}),
  });
}
