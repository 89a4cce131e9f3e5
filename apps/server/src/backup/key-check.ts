import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { masterKeyCheckOf } from '../crypto/master-key.js';

/**
 * The configured master key's check value (`masterKeyCheckOf`). Null when no key is configured yet:
 * unlike `loadMasterSecret`, this never generates `master.key`, because a freshly generated key would
 * be the wrong one.
 */
export function masterKeyCheck(config: Pick<Config, 'masterKey' | 'dataDir'>): string | null {
  const file = path.join(config.dataDir, 'master.key');
  const secret = config.masterKey ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  return secret ? masterKeyCheckOf(Buffer.from(secret, 'utf8')) : null;
}
