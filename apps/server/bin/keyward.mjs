#!/usr/bin/env node
// Runs the CLI in this very process: no wrapper process, so SIGTERM/SIGINT from a supervisor reach
// the server itself and shut it down gracefully. It runs the JavaScript bundle (rebuilt first when a
// source file changed); if bundling is impossible it falls back to the sources through tsx.
import { pathToFileURL } from 'node:url';
import { BUNDLE, buildServer, bundleIsFresh } from '../scripts/build.mjs';

let entry = BUNDLE;
if (!bundleIsFresh()) {
  try {
    await buildServer();
  } catch (err) {
    process.stderr.write(`keyward: could not bundle the server (${err.message}); running the sources\n`);
    const { register } = await import('tsx/esm/api');
    register();
    entry = new URL('../src/cli/index.ts', import.meta.url).pathname;
  }
}
// Stack traces point at the TypeScript sources.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(entry).href);
