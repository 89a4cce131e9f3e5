import net from 'node:net';

interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * Opens the TCP (or Unix) socket for postgres.js with Nagle's algorithm off. postgres.js writes a
 * message of ≥ 1 KiB at once and queues the rest, so one request could leave as two segments; with
 * Nagle on, the second waited for the server's delayed ACK (~40 ms) while a transaction was open.
 * The socket is returned still connecting: postgres.js writes once it is open (Node buffers until
 * then), and a refused or timed-out connection reaches postgres.js's own error, close, reconnect and
 * connect-timeout handling as an unsupplied socket would. (A rejected promise here would not: the
 * connection would stay "connecting" and its queries would wait forever.)
 */
export function databaseSocketOpener(): (target: SocketTarget) => net.Socket {
  // A multi-host URL: each new connection goes to the next host, as postgres.js itself would.
  let next = 0;
  return (target) => {
    if (target.path) return net.connect({ path: target.path });
    const i = next++ % target.host.length;
    return net.connect({ host: target.host[i]!, port: target.port[i] ?? target.port[0]!, noDelay: true });
  };
}
