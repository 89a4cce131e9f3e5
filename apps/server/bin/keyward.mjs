#!/usr/bin/env node
// Runs the CLI in this very process: no wrapper process, so SIGTERM/SIGINT from a supervisor reach
// the server itself and shut it down gracefully. It runs the JavaScript bundle (rebuilt first when a
// source file changed); if bundling is impossible it falls back to the sources through tsx.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { BUNDLE, buildServer, bundleIsFresh } from '../scripts/build.mjs';

// V8 grows the old generation by up to 4× its live size when allocation is fast (a burst of
// activations), and the server then sits at that size: 206 MB RSS after 15 s of activations, 163 MB
// with growth held to 2× at the same throughput. The flag given on Node's command line wins.
if (!process.execArgv.some((a) => a.includes('heap-growing-percent')))
  setFlagsFromString('--heap-growing-percent=100');

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
