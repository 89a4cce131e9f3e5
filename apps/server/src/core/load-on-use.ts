import { createRequire } from 'node:module';

/**
 * Loads a library the first time a deployment that uses it needs it (Stripe, SMTP, Redis, PDF): a server
 * without those settings, and each test file that does not use them, skips their start-up cost (a third
 * of a second each).
 */
export const loadOnUse = createRequire(import.meta.url);
