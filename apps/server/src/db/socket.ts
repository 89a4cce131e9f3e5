import { once } from 'node:events';
import net from 'node:net';

interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  connect_timeout?: number;
}

let next = 0;

/**
 * Opens the TCP (or Unix) socket for postgres.js with Nagle's algorithm off. postgres.js writes a
 * message of ≥ 1 KiB at once and queues the rest, so a pipelined insert + event went out as two
 * segments; with Nagle on, the second waited for the server's delayed ACK (~40 ms) and every
 * activation held its transaction that long.
 */
export async function openDatabaseSocket(target: SocketTarget): Promise<net.Socket> {
  const i = next++ % target.host.length;
  const socket = target.path
    ? net.connect({ path: target.path })
    : net.connect({ host: target.host[i]!, port: target.port[i] ?? target.port[0]!, noDelay: true });
  const timeoutMs = (target.connect_timeout ?? 30) * 1000;
  const timer = setTimeout(
    () => socket.destroy(new Error(`connect timeout after ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await once(socket, 'connect');
    return socket;
  } finally {
    clearTimeout(timer);
  }
}
