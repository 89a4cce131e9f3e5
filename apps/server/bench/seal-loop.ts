// The event sealer alone, in a process of its own, every second as a Keyward process that does the
// background work runs it (app/parts.ts): background-floor.ts runs it beside `keyward jobs run`, so the
// floor chains the events a pass writes, as the worker layout does.
//
//   DATABASE_URL=postgres://… npx tsx bench/seal-loop.ts
import { connectDatabase } from '../src/db/database.js';
import { sealEvents } from '../src/events/seal.js';

const db = connectDatabase(process.env.DATABASE_URL!, 'postgres', 2);
let running = true;
process.on('SIGTERM', () => {
  running = false;
});
process.send?.('ready');
while (running) {
  await sealEvents(db);
  await new Promise((r) => setTimeout(r, 1000));
}
await db.close();
