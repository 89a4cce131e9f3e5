import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError, type ErrorCode } from '../core/errors.js';

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
    // minLength/maxLength count UTF-16 units (String#length): they bound input size, and counting
    // code points walked every character of a 1.3 KB token on each validation. ajv still honours the
    // option but calls it deprecated at every construction; that one notice is dropped.
    unicode: false,
    logger: {
      log: console.log,
      warn: (...args: unknown[]) => {
        if (!String(args[0]).includes('option unicode')) console.warn(...args);
      },
      error: console.error,
    },
  });
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON: no type coercion ("5" is not 5). Query strings and params are text: coerce.
const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

type Validate = ReturnType<FastifySchemaCompiler<unknown>>;

/**
 * Fastify validator compiler: strict for bodies, coercing for query/params/headers. Each schema is
 * compiled on its route's first request, not at start-up: compiling every route's schemas took a
 * large share of the start (performance.md B9) and kept code for routes a deployment never calls.
 * Fastify reads a failure from `.errors` of the function it was given, so errors are passed on.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  // An optional body (TypeBox `Type.Optional`) may be left out entirely.
  const optional = httpPart === 'body' && Boolean((schema as Record<string, unknown>)['~optional']);
  let compiled: Validate | undefined;
  const validate = ((data: unknown) => {
    if (optional && (data === undefined || data === null)) return true;
    compiled ??= (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as Validate;
    const ok = compiled(data);
    (validate as { errors?: unknown }).errors = (compiled as { errors?: unknown }).errors;
    return ok;
  }) as Validate;
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
