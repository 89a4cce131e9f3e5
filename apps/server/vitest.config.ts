import { defineConfig } from 'vitest/config';

// The embedded database (PGlite) serves one connection, so on it test files run one at a time.
const embedded = !process.env.DATABASE_URL;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: !embedded,
    maxWorkers: embedded ? 1 : 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
