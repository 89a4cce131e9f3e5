import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

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

/**
 * Whether this run drives a browser through one test file's pages. The pages, and the API calls behind
 * them, are the same on both engines, and every API is tested on both; so the long page flows are split
 * between the engines (each file names its own) and CI, which runs the suite once per engine, drives each
 * once while both engines are seen through a browser. KEYWARD_BROWSER_TESTS=all runs every file on
 * either engine; `both` is for a flow an issue asks to see on each engine (Analytics and Compliance, M).
 */
export function browserRunsOn(engine: 'embedded' | 'postgres' | 'both'): boolean {
  if (!existsSync(CHROMIUM)) return false;
  return (
    engine === 'both' || process.env.KEYWARD_BROWSER_TESTS === 'all' || inject('databaseKind') === engine
  );
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

/**
 * A page in a new browser context (no session, no storage). Page errors, console errors and every
 * 4xx/5xx response go to `errors`, which a test expects to stay empty (or holds what it expects).
 */
export async function newWatchedPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await context.newPage();
  p.setDefaultTimeout(10_000);
  p.on('pageerror', (error) => errors.push(String(error)));
  p.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  p.on('response', (res) => {
    if (res.status() >= 400) errors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return p;
}

/** A new browser context signed in to the dashboard as `email` (errors collected as newWatchedPage does). */
export async function signInToDashboard(
  browser: Browser,
  base: string,
  email: string,
  password: string,
  errors: string[],
): Promise<Page> {
  const p = await newWatchedPage(browser, errors);
  await p.goto(`${base}/admin/sign-in`);
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return p;
}
