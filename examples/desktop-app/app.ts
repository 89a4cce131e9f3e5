import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FileStorage,
  KeywardClient,
  KeywardError,
  type LicenseState,
  machineFingerprint,
  type PublicJwk,
} from '@keyward/sdk/node';

/**
 * "Keyward Editor": the smallest honest licensed app. Every command checks the license first;
 * `report` needs the advanced_reporting feature and `sync` needs api_access. Works offline on the
 * cached token (7 days), on an offline license file, or for 24 h on an emergency code.
 */
export const APP_ID = 'dev.keyward.example-editor';

export interface AppEnv {
  /** KEYWARD_URL: the licensing server. */
  serverUrl: string;
  /** Where the app keeps its license state. */
  dataDir: string;
  /** For tests: a fixed device fingerprint instead of this machine's. */
  fingerprint?: string | undefined;
  out: (line: string) => void;
}

/** The vendor's public keys. A shipped app embeds them; this example reads them from its data dir. */
async function vendorKeys(env: AppEnv): Promise<{ keys: PublicJwk[] } | undefined> {
  const text = await readFile(join(env.dataDir, 'jwks.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as { keys: PublicJwk[] }) : undefined;
}

async function clientFor(env: AppEnv): Promise<KeywardClient> {
  const jwks = await vendorKeys(env);
  return new KeywardClient({
    ...(jwks ? { jwks } : {}),
    serverUrl: env.serverUrl,
    appId: APP_ID,
    storage: new FileStorage(join(env.dataDir, 'license.json')),
    fingerprint: env.fingerprint ?? (() => machineFingerprint(APP_ID)),
    deviceInfo: { platform: process.platform, app_version: '1.4.0' },
    timeoutMs: 3_000,
  });
}

const describe = (s: LicenseState) =>
  `licensed: ${s.tier} (${s.source}${s.offlineUntil ? `, offline until ${s.offlineUntil.toISOString()}` : ''})`;

const USAGE = `usage: keyward-editor <command>
  activate <license-key>          activate this machine online
  request <license-key> <file>    write an offline activation request
  install <license.lic> <key>     install a license file from the vendor
  unlock <emergency-code>         unlock for 24 h when the server is unreachable
  status                          show the license
  edit                            the basic feature (any valid license)
  report                          needs the advanced_reporting feature
  sync                            needs the api_access feature
  deactivate                      free this machine's seat`;

/** Runs one command; returns the process exit code (0 ok, 1 usage, 2 licensing problem). */
export async function runApp(args: string[], env: AppEnv): Promise<number> {
  const client = await clientFor(env);
  const [command, a, b] = args;
  try {
    switch (command) {
      case 'activate':
        env.out(describe(await client.activate(need(a, 'license key'))));
        return 0;
      case 'request':
        await writeFile(need(b, 'output file'), await client.createActivationRequest(need(a, 'license key')));
        env.out(`activation request written to ${b}: upload it in the customer portal`);
        return 0;
      case 'install':
        env.out(
          describe(
            await client.installLicenseFile(
              await readFile(need(a, 'license file'), 'utf8'),
              need(b, 'license key'),
            ),
          ),
        );
        return 0;
      case 'unlock':
        env.out(describe(await client.unlockWithEmergencyCode(need(a, 'emergency code'))));
        return 0;
      case 'status':
        env.out(describe(await client.validate()));
        return 0;
      case 'edit':
      case 'report':
      case 'sync': {
        const state = await client.validate();
        const feature =
          command === 'report' ? 'advanced_reporting' : command === 'sync' ? 'api_access' : null;
        if (feature && !client.isFeatureEnabled(feature)) {
          env.out(
            `"${command}" needs the ${feature} feature, which your ${state.tier} plan does not include`,
          );
          return 2;
        }
        env.out(`${command}: done (${describe(state)})`);
        return 0;
      }
      case 'deactivate':
        await client.deactivate();
        env.out('this machine is no longer activated');
        return 0;
      default:
        env.out(USAGE);
        return 1;
    }
  } catch (err) {
    if (err instanceof KeywardError) {
      env.out(`license problem (${err.code}): ${err.message}`);
      return 2;
    }
    throw err;
  }
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new KeywardError('INVALID_REQUEST', `missing ${what}\n${USAGE}`);
  return value;
}
