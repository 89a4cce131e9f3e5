#!/usr/bin/env node
/**
 * Fails when src/api-schema.d.ts is stale against the server's OpenAPI document; `--write` updates it
 * (`npm run gen:api -w packages/sdk`). Only the paths the client calls are kept, so the file changes
 * when the SDK's side of the API does. See scripts/openapi-types.mjs.
 */
import { fileURLToPath } from 'node:url';
import { checkApiTypes } from '../../../scripts/openapi-types.mjs';

process.exit(
  await checkApiTypes({
    target: fileURLToPath(new URL('../src/api-schema.d.ts', import.meta.url)),
    paths: [
      '/.well-known/jwks.json',
      '/api/v1/licensing/activate',
      '/api/v1/licensing/validate',
      '/api/v1/licensing/refresh',
      '/api/v1/licensing/heartbeat',
      '/api/v1/licensing/deactivate',
      '/api/v1/licensing/report',
      '/api/v1/licensing/status',
      '/api/v1/licensing/usage',
    ],
    regenerate: 'npm run gen:api -w packages/sdk',
    write: process.argv.includes('--write'),
  }),
);
