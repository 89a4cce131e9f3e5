import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const SDK_DIR = fileURLToPath(new URL('../../../../packages/sdk/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestIn(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path, { withFileTypes: true }).map((e) => newestIn(join(path, e.name))));
}

/**
 * Runs `npm run build` in `dir` when `builtFile` is missing or older than any of `sources`, so tests
 * always exercise the current code of a workspace package (the SDK, the web app).
 */
export function ensureBuilt(dir: string, builtFile: string, sources: string[]): void {
  const built = join(dir, builtFile);
  const stale =
    !existsSync(built) || Math.max(...sources.map((s) => newestIn(join(dir, s)))) > statSync(built).mtimeMs;
  if (stale || process.env.KEYWARD_REBUILD) execSync('npm run build', { cwd: dir, stdio: 'ignore' });
}

/** Headless Debian chromium, driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
