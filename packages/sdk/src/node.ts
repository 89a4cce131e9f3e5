import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { arch, cpus, homedir, hostname, networkInterfaces, platform, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fingerprint } from './fingerprint.js';
import type { KeywardStorage } from './storage.js';

export * from './index.js';

/**
 * Keeps SDK state in one JSON file (owner-only permissions), written atomically.
 *
 * @example
 * const storage = new FileStorage('~/.config/example-editor/license.json');
 */
export class FileStorage implements KeywardStorage {
  private readonly path: string;
  private values: Record<string, string> | undefined;

  constructor(path: string) {
    this.path = resolve(path.replace(/^~(?=$|\/)/, homedir()));
  }

  private async all(): Promise<Record<string, string>> {
    if (this.values) return this.values;
    try {
      this.values = JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
      this.values = {};
    }
    return this.values;
  }

  private async flush(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.values), { mode: 0o600 });
    await rename(tmp, this.path);
  }

  async get(key: string) {
    return (await this.all())[key] ?? null;
  }
  async set(key: string, value: string) {
    (await this.all())[key] = value;
    await this.flush();
  }
  async delete(key: string) {
    delete (await this.all())[key];
    await this.flush();
  }
}

async function machineId(): Promise<string> {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = await readFile(file, 'utf8').catch(() => '');
    if (id.trim()) return id.trim();
  }
  return '';
}

/**
 * A stable fingerprint of this machine for your app: SHA-256 of the OS machine id, hostname, CPU model,
 * memory size and MAC addresses, scoped by `appId`. Only the hash leaves the machine.
 *
 * @example
 * const client = new KeywardClient({ serverUrl, fingerprint: () => machineFingerprint('com.example.editor') });
 */
export async function machineFingerprint(appId: string): Promise<string> {
  const macs = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && i.mac !== '00:00:00:00:00:00')
    .map((i) => i!.mac)
    .sort();
  return fingerprint(appId, [
    await machineId(),
    hostname(),
    platform(),
    arch(),
    cpus()[0]?.model ?? '',
    String(totalmem()),
    ...new Set(macs),
  ]);
}
