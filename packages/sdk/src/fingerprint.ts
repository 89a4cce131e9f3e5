import { sha256 } from './crypto.js';
import { toHex, utf8 } from './encoding.js';

/**
 * A stable, app-scoped device fingerprint: SHA-256 of the app id and the machine facts you pass, so the
 * raw facts never leave the machine and two apps on one machine get different ids.
 *
 * @example
 * const id = await fingerprint('com.example.editor', [os.hostname(), machineId]);
 */
export async function fingerprint(appId: string, components: readonly string[]): Promise<string> {
  const digest = await sha256(utf8(['keyward-fingerprint-v1', appId, ...components].join('\u001f')));
  return toHex(digest);
}
