import type { Config } from '../config/config.js';
import { connectDatabase, type Database, waitForDatabase } from './database.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';

// Kept apart from server.ts so CLI commands (export, import) open the database without loading the
// whole HTTP application.
export interface OpenedDatabase {
  db: Database;
  embedded?: EmbeddedDatabase;
  close(): Promise<void>;
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else embedded PGlite in the data dir. */
export async function openDatabase(config: Config, log: (msg: string) => void): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const db = connectDatabase(config.databaseUrl, 'postgres');
    await waitForDatabase(db, 30_000, log);
    return { db, close: () => db.close() };
  }
  const embedded = await startEmbeddedDatabase(config.dataDir);
  const db = connectDatabase(embedded.url, 'embedded');
  await waitForDatabase(db, 30_000, log);
  return {
    db,
    embedded,
    async close() {
      await db.close();
      await embedded.stop();
    },
  };
}
