// A real Keyward server process whose clock a test moves: it reads the time from the file named by
// KEYWARD_TEST_CLOCK_FILE on every `now()` (the server's code is unchanged: the clock is the option every
// in-process test server takes). Everything else comes from the environment, as for `keyward serve`.
// Run with `node --import tsx test/support/clocked-server.ts`; prints "test-server-url <url>".
import { readFileSync } from 'node:fs';
import { startServer } from '../../src/app/server.js';
import { loadConfig } from '../../src/config/config.js';

const file = process.env.KEYWARD_TEST_CLOCK_FILE;
if (!file) throw new Error('KEYWARD_TEST_CLOCK_FILE is not set');
const clock = { now: () => new Date(readFileSync(file, 'utf8').trim()) };
const server = await startServer(loadConfig(process.env, false), { clock, installSignalHandlers: true });
process.stdout.write(`test-server-url ${server.url}\n`);
