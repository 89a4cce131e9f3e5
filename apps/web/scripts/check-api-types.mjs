#!/usr/bin/env node
/**
 * Fails when src/api/schema.d.ts (every path) or src/admin/permissions.generated.ts (the role table,
 * x-keyward-permissions) is stale against the server's OpenAPI document;
 * `--write` updates the committed file instead (what `npm run gen:api` does). See scripts/openapi-types.mjs.
 */
import { fileURLToPath } from 'node:url';
import { checkApiTypes } from '../../../scripts/openapi-types.mjs';
import { permissionsFile } from './permissions-from-openapi.mjs';

process.exit(
  await checkApiTypes({
    target: fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url)),
    regenerate: 'npm run gen:api -w apps/web',
    write: process.argv.includes('--write'),
    also: (doc) => [permissionsFile(doc)],
  }),
);
