import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/db/database.js';
import { startEmbeddedDatabase } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { ensureBuilt, SDK_DIR } from './builds.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'embedded' | 'postgres';
    dataDir: string;
  }
}

/**
 * One database per test run, built by the real migrations: a fresh PostgreSQL database when
 * DATABASE_URL is set, else the embedded engine in a temp directory. Tests isolate by account.
 */
export default async function setup(project: TestProject) {
  // Tests import @keyward/sdk from its build: rebuild it first when its sources changed.
  ensureBuilt(SDK_DIR, 'dist/index.js', ['src', 'tsup.config.ts']);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keyward-test-'));
  let teardown: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    const name = `keyward_test_${Date.now()}_${process.pid}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    const db = connectDatabase(url.toString(), 'postgres');
    await migrate(db);
    await db.close();
    project.provide('databaseUrl', url.toString());
    project.provide('databaseKind', 'postgres');
    teardown = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    };
  } else {
    const embedded = await startEmbeddedDatabase(path.join(dataDir, 'db'));
    const db = connectDatabase(embedded.url, 'embedded');
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      await embedded.stop();
      throw err;
    }
    await db.close();
    project.provide('databaseUrl', embedded.url);
    project.provide('databaseKind', 'embedded');
    teardown = () => embedded.stop();
  }
  project.provide('dataDir', dataDir);
  return async () => {
    await teardown();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
