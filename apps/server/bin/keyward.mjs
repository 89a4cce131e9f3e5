#!/usr/bin/env node
// Runs the TypeScript CLI in this very process through tsx's loader, so no build step is needed.
// No child process: SIGTERM/SIGINT from a supervisor reach the server itself and shut it down
// gracefully (a wrapper that spawned a child died on SIGTERM and left the server running).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
