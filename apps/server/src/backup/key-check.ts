import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { deriveKeyring } from '../crypto/master-key.js';

/**
 * A short value that identifies the master key without revealing it (an HMAC of a constant under the
 * derived digest key). Null when no key is configured yet: unlike `loadMasterSecret`, this never
 * generates `master.key`, because a freshly generated key would be the wrong one.
 */
export function masterKeyCheck(config: Pick<Config, 'masterKey' | 'dataDir'>): string | null {
  const file = path.join(config.dataDir, 'master.key');
  const secret = config.masterKey ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (!secret) return null;
  const { digest } = deriveKeyring(Buffer.from(secret, 'utf8'));
  return createHmac('sha256', digest).update('keyward:export-key-check').digest('hex').slice(0, 16);
}
