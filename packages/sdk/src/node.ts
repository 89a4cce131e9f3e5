import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, homedir, hostname, platform, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fingerprint } from './fingerprint.js';
import type { KeywardStorage } from './storage.js';

export * from './index.js';
export { verifyWebhook, type WebhookEvent } from './webhook-verify.js';

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

/** Where machineFingerprint reads the machine's identity (replaceable in tests). */
export interface MachineSources {
  platform: NodeJS.Platform;
  readFile(path: string): Promise<string>;
  /** Runs a command and returns its standard output. */
  run(command: string, args: string[]): Promise<string>;
  /** Where the fallback id is kept when the OS gives none (default `~/.keyward`). */
  dataDir: string;
}

const nodeSources: MachineSources = {
  platform: platform(),
  readFile: (path) => readFile(path, 'utf8'),
  run: (command, args) =>
    new Promise((done, fail) =>
      execFile(command, args, { timeout: 5000, windowsHide: true }, (err, stdout) =>
        err ? fail(err) : done(stdout),
      ),
    ),
  dataDir: resolve(homedir(), '.keyward'),
};

/** The OS's own id for this machine installation, or '' when it has none readable. */
async function osMachineId(src: MachineSources): Promise<string> {
  const attempt = (p: Promise<string>) =>
    p.then(
      (v) => v.trim(),
      () => '',
    );
  switch (src.platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id', '/etc/hostid']) {
        const id = await attempt(src.readFile(file));
        if (id) return id;
      }
      return '';
    case 'darwin': {
      const out = await attempt(src.run('ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice']));
      return /"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(out)?.[1] ?? '';
    }
    case 'win32': {
      const out = await attempt(
        src.run('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid']),
      );
      return /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out)?.[1] ?? '';
    }
    default:
      return '';
  }
}

/** A random id kept in `dataDir` (created on first use): stable for this user on this machine. */
async function fallbackId(src: MachineSources): Promise<string> {
  const file = resolve(src.dataDir, 'device-id');
  const existing = await src.readFile(file).then(
    (v) => v.trim(),
    () => '',
  );
  if (existing) return existing;
  const id = randomUUID();
  await mkdir(src.dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, id, { mode: 0o600, flag: 'wx' }).catch(() => {});
  return (
    (await src.readFile(file).then(
      (v) => v.trim(),
      () => '',
    )) || id
  );
}

/**
 * A stable fingerprint of this machine for your app: SHA-256 of the OS's machine id — `/etc/machine-id`
 * on Linux, `IOPlatformUUID` on macOS, `MachineGuid` on Windows — scoped by `appId`. Where the OS gives
 * none, a random id kept in `~/.keyward/device-id`. Never network state, hostname or memory size, which
 * change when a cable is pulled or a machine is renamed; only the hash leaves the machine.
 *
 * @example
 * const client = new KeywardClient({ serverUrl, fingerprint: () => machineFingerprint('com.example.editor') });
 */
export async function machineFingerprint(
  appId: string,
  sources: MachineSources = nodeSources,
): Promise<string> {
  const id = await osMachineId(sources);
  return id
    ? fingerprint(appId, [`${sources.platform}-machine-id`, id])
    : fingerprint(appId, ['keyward-device-id', await fallbackId(sources)]);
}

/**
 * What this machine says about itself on activation: platform, OS release, host name and CPU cores (a
 * per-core license counts the cores). Pass it as `deviceInfo`.
 *
 * @example
 * const client = new KeywardClient({ serverUrl, deviceInfo: { ...nodeDeviceInfo(), app_version: '2.1.0' } });
 */
export function nodeDeviceInfo(): {
  platform: string;
  os_version: string;
  hostname: string;
  cpu_cores: number;
} {
  return {
    platform: process.platform,
    os_version: release(),
    hostname: hostname(),
    cpu_cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
  };
}
