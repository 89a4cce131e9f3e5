// The least a lease renewal can do, for `floor-lease.ts`: a Fastify route that renews one seat's lease
// with a durable UPDATE, renewals that arrive together batched into one statement and one commit (as
// Keyward's LeaseRenewer does, with the same core/batcher.ts). No token, no license, no decision, no usage
// log. The database is PostgreSQL with DATABASE_URL, else the embedded engine in a fresh directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { Batcher, batchesInFlight } from '../src/core/batcher.js';
import { connectDatabase } from '../src/db/database.js';
import { startEmbeddedDatabase } from '../src/db/embedded.js';

const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedDatabase(mkdtempSync(path.join(tmpdir(), 'keyward-floor-lease-')));
const db = connectDatabase(process.env.DATABASE_URL ?? embedded!.url, embedded ? 'embedded' : 'postgres');
const { sql } = db;
await sql`create table if not exists floor_leases (id text primary key, status text not null,
  lease_expires_at timestamptz, last_heartbeat_at timestamptz)`;
await sql`insert into floor_leases (id, status) values ('seat', 'active') on conflict do nothing`;

const renewals = new Batcher<{ id: string; until: Date }, boolean>(
  async (batch) => {
    const rows = await sql<{ id: string }[]>`
    update floor_leases f set lease_expires_at = v.until, last_heartbeat_at = now()
    from (select * from jsonb_to_recordset(${sql.json(batch as never)}) as r(id text, until timestamptz)) v
    where f.id = v.id and f.status = 'active' returning f.id`;
    const renewed = new Set(rows.map((r) => r.id));
    return batch.map((r) => renewed.has(r.id));
  },
  500,
  batchesInFlight(db.kind),
);

const app = Fastify({ logger: false });
app.post('/heartbeat', async () => {
  const valid = await renewals.submit({ id: 'seat', until: new Date(Date.now() + 15 * 60_000) });
  return { valid, code: valid ? 'VALID' : 'LEASE_EXPIRED' };
});
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () =>
  app
    .close()
    .then(() => db.close())
    .then(() => embedded?.stop())
    .then(() => process.exit(0)),
);
