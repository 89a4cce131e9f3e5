import { defineConfig } from 'tsup';

export default defineConfig([
  // Node, Electron and bundlers: ESM + CJS + types.
  { entry: ['src/index.ts', 'src/node.ts'], format: ['esm', 'cjs'], dts: true, clean: true },
  // A self-contained ES module for browsers loaded without a bundler (<script type="module">).
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    outDir: 'dist/browser',
    minify: true,
  },
]);
