/**
 * PLACEHOLDER — hand-written until the server publishes /openapi.json.
 * Regenerate with `npm run gen:api -w apps/web` (server running on :8080); the generated file replaces this
 * one entirely. Covers only the staff auth endpoints, in the shape openapi-typescript 7 emits.
 */

export interface paths {
  '/api/v1/auth/login': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get?: never;
    put?: never;
    post: operations['login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/refresh': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get?: never;
    put?: never;
    post: operations['refresh'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get?: never;
    put?: never;
    post: operations['logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: operations['me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}

export type webhooks = Record<string, never>;

export interface components {
  schemas: {
    ErrorBody: {
      error: {
        code: string;
        message: string;
        details: { [key: string]: unknown };
        request_id: string;
      };
    };
    User: {
      id: string;
      account_id: string;
      email: string;
      name: string;
      role: 'owner' | 'admin' | 'developer' | 'sales' | 'support' | 'read_only';
      status: 'active' | 'disabled';
      last_login_at: string | null;
      created_at: string;
      updated_at: string;
    };
    Session: {
      access_token: string;
      token_type: 'Bearer';
      expires_in: number;
      refresh_token: string;
      user: {
        id: string;
        email: string;
        name: string;
        role: 'owner' | 'admin' | 'developer' | 'sales' | 'support' | 'read_only';
        account_id: string;
      };
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}

export type $defs = Record<string, never>;

type ErrorResponse = {
  headers: { [name: string]: unknown };
  content: { 'application/json': components['schemas']['ErrorBody'] };
};

export interface operations {
  login: {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    requestBody: {
      content: { 'application/json': { email: string; password: string; account?: string } };
    };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: { 'application/json': components['schemas']['Session'] };
      };
      400: ErrorResponse;
      401: ErrorResponse;
      422: ErrorResponse;
      429: ErrorResponse;
    };
  };
  refresh: {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    requestBody: { content: { 'application/json': { refresh_token: string } } };
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: { 'application/json': components['schemas']['Session'] };
      };
      400: ErrorResponse;
      401: ErrorResponse;
      429: ErrorResponse;
    };
  };
  logout: {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    requestBody: { content: { 'application/json': { refresh_token: string } } };
    responses: {
      204: { headers: { [name: string]: unknown }; content?: never };
      400: ErrorResponse;
      401: ErrorResponse;
    };
  };
  me: {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    requestBody?: never;
    responses: {
      200: {
        headers: { [name: string]: unknown };
        content: {
          'application/json': {
            user: components['schemas']['User'];
            account: { id: string; slug: string; name: string };
          };
        };
      };
      401: ErrorResponse;
    };
  };
}
