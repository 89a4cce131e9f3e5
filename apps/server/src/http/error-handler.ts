import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorBody, RETRYABLE_CODES } from '../core/errors.js';
import { isConnectionError } from '../db/database.js';
import type { RouteMethods } from './route-methods.js';
import { validationToAppError } from './validation.js';

/** Maps anything thrown in a route to an AppError; unknown faults become INTERNAL_ERROR. */
export function toAppError(err: unknown): { error: AppError; fault: boolean } {
  if (err instanceof AppError) return { error: err, fault: false };
  const e = err as FastifyError & { validationContext?: string; code?: string };
  if (e.validation)
    return {
      error: validationToAppError(e.validation as never, e.validationContext ?? 'body'),
      fault: false,
    };
  if (isConnectionError(err)) {
    return {
      error: new AppError(
        'DATABASE_UNAVAILABLE',
        'The database is unreachable; retry shortly',
        {},
        { 'retry-after': '5' },
      ),
      fault: false,
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        error: new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'),
        fault: false,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        error: new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts'),
        fault: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: new AppError('INVALID_JSON', 'The body is empty; send a JSON object'), fault: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: new AppError('INVALID_JSON', 'The body is not valid JSON'), fault: false };
    case '23505':
      return {
        error: new AppError('ALREADY_EXISTS', 'A record with the same unique value already exists'),
        fault: false,
      };
    case '40001':
    case '40P01':
      return {
        error: new AppError('CONCURRENT_UPDATE', 'A concurrent change conflicted; retry the request'),
        fault: false,
      };
    case '22P02':
    case '22003':
      return { error: new AppError('INVALID_FIELD', 'A value is out of range or malformed'), fault: false };
  }
  // Any other PostgreSQL data exception (class 22: bad encoding, NUL bytes, out-of-range values) is the
  // caller's input, not our fault.
  if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) {
    return {
      error: new AppError('INVALID_FIELD', 'A value cannot be stored (bad encoding or out of range)'),
      fault: false,
    };
  }
  if (e.code === '23503') {
    return {
      error: new AppError('CONFLICT', 'The record refers to, or is referred to by, another record'),
      fault: false,
    };
  }
  if (e instanceof SyntaxError && e.statusCode === 400) {
    return { error: new AppError('INVALID_JSON', 'The body is not valid JSON'), fault: false };
  }
  if (e.statusCode === 429)
    return { error: new AppError('RATE_LIMITED', 'Too many requests; slow down'), fault: false };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { error: new AppError('INVALID_REQUEST', e.message || 'The request is invalid'), fault: false };
  }
  return {
    error: new AppError('INTERNAL_ERROR', 'Something went wrong on our side; it has been logged'),
    fault: true,
  };
}

/** Renders an AppError as the one error body. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      details: error.details ?? {},
      request_id: String(request.id),
    },
  };
  if (error.headers) reply.headers(error.headers);
  if (RETRYABLE_CODES.has(error.code) && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply.status(error.status).type('application/json').send(body);
}

/** Installs the one error handler and the 404 handler (a 405 when the path exists under another method). */
export function installErrorHandling(app: FastifyInstance, routes: RouteMethods): void {
  app.setErrorHandler((err, request, reply) => {
    const { error, fault } = toAppError(err);
    if (fault) request.log.error({ err }, 'unhandled error');
    else if (error.status >= 500)
      request.log.warn({ code: error.code, msg: (err as Error).message }, 'service unavailable');
    return sendError(request, reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = routes.allowed(path);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        request,
        reply,
        new AppError(
          'METHOD_NOT_ALLOWED',
          `${path} does not answer ${request.method}; use ${allowed.join(', ')}`,
          {
            allowed,
          },
        ),
      );
    }
    return sendError(request, reply, new AppError('ROUTE_NOT_FOUND', `No route ${request.method} ${path}`));
  });
}

/**
 * Fastify's `clientErrorHandler`: a request Node cannot parse (an unknown method, a malformed request
 * line or header) gets the one error body instead of Node's default, and the connection closes.
 */
export function answerUnparsableRequest(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const error = tooLarge
    ? new AppError('INVALID_REQUEST', 'The request headers are too large')
    : new AppError('INVALID_REQUEST', 'The request could not be parsed: check the method, URL and headers');
  const body = JSON.stringify({
    error: { code: error.code, message: error.message, details: {}, request_id: randomUUID() },
  });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
