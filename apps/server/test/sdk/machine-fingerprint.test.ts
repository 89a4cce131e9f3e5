import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fingerprint, type MachineSources, machineFingerprint } from '@keyward/sdk/node';
import { afterAll, describe, expect, it } from 'vitest';

// Issue I, a fingerprint that holds when offline: built from the OS's machine id only, never from network
// interfaces, hostname or memory, so pulling the cable does not turn a licensed machine into a stranger.

const dir = mkdtempSync(path.join(tmpdir(), 'keyward-fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A machine as the SDK sees it: a platform, some files, some commands. */
function machine(
  platform: NodeJS.Platform,
  files: Record<string, string>,
  commands: Record<string, string> = {},
) {
  return {
    platform,
    readFile: async (p: string) => {
      if (p in files) return files[p]!;
      // The fallback id lives in a real directory; every other file is absent on this fake machine.
      if (p.startsWith(dir)) return readFile(p, 'utf8');
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    },
    run: async (cmd: string) => {
      if (cmd in commands) return commands[cmd]!;
      throw new Error(`${cmd}: not found`);
    },
    dataDir: path.join(dir, platform),
  } satisfies MachineSources;
}

describe('machineFingerprint', () => {
  it('uses each OS’s machine id, scoped by the app', async () => {
    const linux = machine('linux', { '/etc/machine-id': '0f1e2d3c4b5a69788796a5b4c3d2e1f0\n' });
    expect(await machineFingerprint('com.example.app', linux)).toBe(
      await fingerprint('com.example.app', ['linux-machine-id', '0f1e2d3c4b5a69788796a5b4c3d2e1f0']),
    );
    expect(await machineFingerprint('com.other.app', linux)).not.toBe(
      await machineFingerprint('com.example.app', linux),
    );
    const mac = machine(
      'darwin',
      {},
      {
        ioreg:
          '+-o J314sAP  <class IOPlatformExpertDevice>\n    "IOPlatformUUID" = "5F1C2A9E-7D1B-4C8E-9F3A-2B6D8E0C1A47"\n',
      },
    );
    expect(await machineFingerprint('app', mac)).toBe(
      await fingerprint('app', ['darwin-machine-id', '5F1C2A9E-7D1B-4C8E-9F3A-2B6D8E0C1A47']),
    );
    const win = machine(
      'win32',
      {},
      {
        reg: '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    8c2f4e1a-93b7-4d2e-a6f0-1b3c5d7e9f20\r\n',
      },
    );
    expect(await machineFingerprint('app', win)).toBe(
      await fingerprint('app', ['win32-machine-id', '8c2f4e1a-93b7-4d2e-a6f0-1b3c5d7e9f20']),
    );
  });

  it('falls back to an id kept on disk, the same on every call', async () => {
    const bare = machine('linux', {});
    const first = await machineFingerprint('app', bare);
    expect(await machineFingerprint('app', bare)).toBe(first);
    const kept = readFileSync(path.join(dir, 'linux', 'device-id'), 'utf8');
    expect(first).toBe(await fingerprint('app', ['keyward-device-id', kept]));
  });

  it.runIf(existsSync('/etc/machine-id'))(
    'on this machine, depends on nothing but its machine id (network state is not read)',
    async () => {
      const id = readFileSync('/etc/machine-id', 'utf8').trim();
      expect(await machineFingerprint('app')).toBe(await fingerprint('app', ['linux-machine-id', id]));
    },
  );
});
