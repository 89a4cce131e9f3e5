#!/usr/bin/env node
/**
 * Fails when src/api/schema.d.ts is stale against the server's OpenAPI document (every path);
 * `--write` updates the committed file instead (what `npm run gen:api` does). See scripts/openapi-types.mjs.
 */
import { fileURLToPath } from 'node:url';
import { checkApiTypes } from '../../../scripts/openapi-types.mjs';

process.exit(
  await checkApiTypes({
    target: fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url)),
    regenerate: 'npm run gen:api -w apps/web',
    write: process.argv.includes('--write'),
  }),
);
