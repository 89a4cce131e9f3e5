import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Database } from '../db/database.js';
import { Batcher } from './batcher.js';

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
/** PostgreSQL refuses a notification payload of 8000 bytes or more. */
const MAX_PAYLOAD = 7000;

/**
 * The messages published together, as notification payloads: `{ origin, messages }`, as many messages
 * in each as fit (one message alone may be larger; PostgreSQL then refuses it, as it did before).
 */
export function notificationPayloads(origin: string, messages: BusMessage[]): string[] {
  const payloads: string[] = [];
  let group: string[] = [];
  let size = 0;
  const flush = () => {
    if (group.length) payloads.push(`{"origin":${JSON.stringify(origin)},"messages":[${group.join(',')}]}`);
    group = [];
    size = 0;
  };
  for (const m of messages) {
    const json = JSON.stringify(m);
    const bytes = Buffer.byteLength(json);
    if (size + bytes > MAX_PAYLOAD) flush();
    group.push(json);
    size += bytes + 1;
  }
  flush();
  return payloads;
}

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
        const parsed = JSON.parse(payload) as { origin?: string; messages?: BusMessage[] } & BusMessage;
        if (parsed.origin === origin) return;
        // One message per notification is how processes of an earlier version publish (a rolling restart).
        const { origin: _, messages, ...single } = parsed;
        for (const msg of messages ?? [single]) deliver(msg);
      } catch {
        // a malformed notification is ignored; publishers are our own code
      }
    });
    unlisten = () => listener.unlisten();
  }
  // Messages published in the same turn leave in one statement (a burst of renewals announces many).
  const notify = new Batcher<BusMessage, void>(
    async (messages) => {
      await db.sql`select pg_notify(${CHANNEL}, p) from unnest(${notificationPayloads(origin, messages)}::text[]) p`;
      return messages.map(() => undefined);
    },
    100,
    2,
  );
  return {
    async publish(msg) {
      deliver(msg);
      if (db.kind === 'postgres') await notify.submit(msg);
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
