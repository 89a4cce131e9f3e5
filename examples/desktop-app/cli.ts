#!/usr/bin/env -S npx tsx
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runApp } from './app.js';

process.exitCode = await runApp(process.argv.slice(2), {
  serverUrl: process.env.KEYWARD_URL ?? 'http://127.0.0.1:8080',
  dataDir: process.env.KEYWARD_APP_DIR ?? join(homedir(), '.keyward-editor'),
  fingerprint: process.env.KEYWARD_FINGERPRINT,
  out: (line) => console.log(line),
});
