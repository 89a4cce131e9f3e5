import { KeywardClient, type KeywardClientOptions, MemoryStorage } from '@keyward/sdk';
import { FixedClock, useServer, type World } from '../support/server.js';

/** Where a "server unreachable" request goes: a closed local port, so the connection is refused. */
const UNREACHABLE = 'http://127.0.0.1:9';

export interface SdkWorld extends World {
  clock: FixedClock;
  /** A client on its own device and storage; `network.down = true` makes the server unreachable to it. */
  client(
    deviceId: string,
    opts?: Partial<KeywardClientOptions>,
  ): { client: KeywardClient; network: { down: boolean } };
}

/** One server (moving clock) and account for a test file, and SDK clients that share that clock. */
export function useSdkWorld(): SdkWorld {
  const clock = new FixedClock(new Date('2026-03-01T12:00:00Z'));
  const world = useServer({ clock }) as SdkWorld;
  world.clock = clock;
  world.client = (deviceId, opts = {}) => {
    const network = { down: false };
    const client = new KeywardClient({
      serverUrl: world.server.url,
      appId: 'test-app',
      fingerprint: deviceId,
      storage: new MemoryStorage(),
      now: () => world.clock.now(),
      fetch: (url, init) => fetch(network.down ? url.replace(world.server.url, UNREACHABLE) : url, init),
      ...opts,
    });
    return { client, network };
  };
  return world;
}
