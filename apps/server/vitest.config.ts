import { defineConfig } from 'vitest/config';

// Test files run one at a time: the embedded database (PGlite) serves one connection, and on PostgreSQL
// the process-spawning and browser tests need the machine's two cores to themselves.

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
