import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort } from './support/cli.js';

// Issue O: the deployment artefacts (no container engine here). CI checks what can be checked without
// one: compose.yaml's services, the Dockerfile's stages, user and start command, the systemd unit, and
// that the image's start command, run as is from the repository root, serves /health.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'keyward-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every environment variable name the server's sources mention (config.ts and the few read directly). */
function knownVariables(): Set<string> {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
        // env.NAME, env['NAME'], or config.ts's helpers: int(env, 'NAME', …)
        for (const m of readFileSync(full, 'utf8').matchAll(/\benv(?:\.|\['|, ')([A-Z][A-Z0-9_]+)/g))
          names.add(m[1]!);
    }
  };
  walk(path.join(ROOT, 'apps/server/src'));
  return names;
}

interface Stage {
  from: string;
  lines: string[];
}

/** The Dockerfile's stages, continuation lines joined, comments dropped. */
function dockerStages(): Stage[] {
  const lines = read('Dockerfile')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    if (/^FROM /i.test(line)) stages.push({ from: line.slice(5).trim(), lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const instruction = (stage: Stage, name: string) =>
  stage.lines.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length).trim());

/** The runtime stage's CMD (exec form) and the root package's start command, as argument lists. */
function startCommands() {
  const runtime = dockerStages().at(-1)!;
  const cmd = JSON.parse(instruction(runtime, 'CMD').at(-1)!) as string[];
  const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(' ');
  return { runtime, cmd, start };
}

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const keyward = ['keyward-a', 'keyward-b'];

  it('has two Keyward services, PostgreSQL with a volume, Redis and a TLS proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...keyward, 'caddy', 'postgres', 'redis'].sort());
    const pgVolumes = compose.services.postgres!.volumes as string[];
    const pgData = pgVolumes.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(pgData).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(pgData!.split(':')[0]);
    const caddy = compose.services.caddy!;
    expect(caddy.ports).toContain('443:443');
    const caddyfile = (caddy.volumes as string[]).find((v) => v.endsWith(':/etc/caddy/Caddyfile:ro'))!;
    expect(existsSync(path.join(ROOT, caddyfile.split(':')[0]!))).toBe(true);
    for (const name of keyward) expect(read('deploy/Caddyfile')).toContain(`${name}:8080`);
  });

  it('runs Keyward from the image on the shared database, Redis and secrets, reachable only through the proxy', () => {
    const { cmd } = startCommands();
    const known = knownVariables();
    for (const name of keyward) {
      const service = compose.services[name]!;
      expect(service.build).toBe('.');
      expect(service.ports).toBeUndefined();
      expect((service.command as string[]).slice(0, cmd.length)).toEqual(cmd);
      expect(service.env_file).toBe('deploy/keyward.env');
      const env = service.environment as Record<string, string>;
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.PUBLIC_URL).toMatch(/^https:\/\//);
      expect(env.TRUST_PROXY).toBe('true');
      for (const variable of Object.keys(env)) expect(known, variable).toContain(variable);
    }
    // The env file names DATABASE_URL and KEYWARD_MASTER_KEY; it and the example hold only real variables.
    const example = read('deploy/keyward.env.example');
    const assigned = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(assigned).toEqual(expect.arrayContaining(['DATABASE_URL', 'KEYWARD_MASTER_KEY', 'METRICS_TOKEN']));
    for (const variable of assigned.filter((v) => v !== 'POSTGRES_PASSWORD'))
      expect(known, variable).toContain(variable);
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs on a slim Node LTS image as a non-root user with the start command', () => {
    const stages = dockerStages();
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]!.lines.some((l) => /^RUN .*npm ci/.test(l))).toBe(true);
    expect(stages[0]!.lines.some((l) => /^RUN .*npm run build/.test(l))).toBe(true);
    const { runtime, cmd, start } = startCommands();
    const major = Number(/^node:(\d+)-slim$/.exec(runtime.from)?.[1]);
    expect(major % 2, `${runtime.from} is not an LTS line`).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    const user = instruction(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    expect(cmd).toEqual(start);
    const healthcheck = instruction(runtime, 'HEALTHCHECK').at(-1)!;
    expect(healthcheck).toContain('/health');
    expect(healthcheck).not.toContain('curl');
    expect(read('.dockerignore')).toMatch(/node_modules/);
  });
});

describe('deploy/keyward.service', () => {
  it('runs the start command hardened, restarts on failure and reloads with SIGHUP', () => {
    const unit = read('deploy/keyward.service');
    const settings = new Map(
      [...unit.matchAll(/^([A-Za-z]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()] as const),
    );
    const { start } = startCommands();
    expect(settings.get('ExecStart')).toMatch(new RegExp(`/node ${start.slice(1).join(' ')}$`));
    expect(settings.get('Restart')).toBe('on-failure');
    expect(settings.get('DynamicUser')).toBe('yes');
    expect(settings.get('ProtectSystem')).toBe('strict');
    expect(settings.get('NoNewPrivileges')).toBe('yes');
    expect(settings.get('EnvironmentFile')).toBeDefined();
    expect(settings.get('KillMode')).toBe('mixed');
    expect(settings.get('ExecReload')).toContain('-HUP');
  });
});

describe("the image's start command", () => {
  it('serves /health when run from the repository root; its HEALTHCHECK passes; SIGTERM exits 0', async () => {
    const { runtime, cmd } = startCommands();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      KEYWARD_DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL; // the embedded database in the temp data dir
    const exe = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);
    const [bin, ...args] = exe(cmd);
    const child = spawn(bin!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      let status = 0;
      while (status !== 200) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no /health:\n${out}`);
        status = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      // The HEALTHCHECK's own command (exec form), as Docker would run it inside the container.
      const check = JSON.parse(
        instruction(runtime, 'HEALTHCHECK')
          .at(-1)!
          .replace(/^.*?CMD /, ''),
      ) as string[];
      const [checkBin, ...checkArgs] = exe(check);
      const healthy = spawn(checkBin!, checkArgs, { env, stdio: 'ignore' });
      expect(await new Promise((resolve) => healthy.on('exit', resolve))).toBe(0);
      child.kill('SIGTERM');
      expect(await exited, out).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
