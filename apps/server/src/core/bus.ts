import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Database } from '../db/database.js';

/** A message every server process hears (cache invalidation, real-time pushes). */
export interface BusMessage {
  topic: string;
  accountId: string;
  data: Record<string, unknown>;
}

/**
 * Cross-process fan-out. On PostgreSQL it rides LISTEN/NOTIFY so every process sharing the database
 * hears every message; the embedded database allows one process, so an in-process emitter suffices.
 */
export interface Bus {
  publish(msg: BusMessage): Promise<void>;
  subscribe(topic: string, handler: (msg: BusMessage) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'keyward_bus';

export async function createBus(db: Database): Promise<Bus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const deliver = (msg: BusMessage) => {
    try {
      emitter.emit(msg.topic, msg);
    } catch {
      // a failing subscriber must not fail the change that published the message
    }
  };
  // This process hears its own messages at once (a change is visible to its next request, not after
  // the NOTIFY round trip) and ignores their echo; other processes hear them through PostgreSQL.
  const origin = randomUUID();
  let unlisten: (() => Promise<void>) | undefined;
  if (db.kind === 'postgres') {
    const listener = await db.sql.listen(CHANNEL, (payload) => {
      try {
        const { origin: from, ...msg } = JSON.parse(payload) as BusMessage & { origin?: string };
        if (from !== origin) deliver(msg);
      } catch {
        // a malformed notification is ignored; publishers are our own code
      }
    });
    unlisten = () => listener.unlisten();
  }
  return {
    async publish(msg) {
      deliver(msg);
      if (db.kind === 'postgres')
        await db.sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ ...msg, origin })})`;
    },
    subscribe(topic, handler) {
      emitter.on(topic, handler);
      return () => emitter.off(topic, handler);
    },
    async close() {
      await unlisten?.().catch(() => {});
      emitter.removeAllListeners();
    },
  };
}
