import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const BIN = fileURLToPath(new URL('../../bin/keyward.mjs', import.meta.url));

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, false);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, false);
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('info');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.rateLimitPerMinute).toBe(6000);
    expect(config.clientRateLimitPerMinute).toBe(120);
    expect(config.keyGuessesPerMinute).toBe(30);
    expect(config.loginAttemptsPerMinute).toBe(5);
    expect(config.corsOrigins).toEqual([]);
  });

  it('reads valid values', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgresql://u:p@db:5432/keyward',
        ADMIN_EMAIL: 'Boss@Example.com',
        ADMIN_PASSWORD: 'a-long-enough-password',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
        KEYWARD_DATA_DIR: '/tmp/kw-data',
        RATE_LIMIT_PER_MINUTE: '250',
      },
      false,
    );
    expect(config).toMatchObject({
      port: 9000,
      logLevel: 'debug',
      databaseUrl: 'postgresql://u:p@db:5432/keyward',
      adminEmail: 'boss@example.com',
      adminPassword: 'a-long-enough-password',
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      dataDir: '/tmp/kw-data',
      rateLimitPerMinute: 250,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['LOGIN_ATTEMPTS_PER_MINUTE', 'many'],
    ['BODY_LIMIT_BYTES', '10'],
  ])('%s=%s is refused with a message naming the variable and the range', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toContain(name);
    expect(err.message).toMatch(/whole number from \d+ to \d+/);
    expect(err.message).toContain(value);
  });

  it('LOG_LEVEL must be a known level', () => {
    const err = configError({ LOG_LEVEL: 'loud' });
    expect(err.message).toContain('LOG_LEVEL');
    expect(err.message).toContain('info');
    expect(err.message).toContain('loud');
  });

  it.each([
    ['mysql://root@localhost/keyward', 'postgres:'],
    ['http://db.example.com', 'postgres:'],
    ['not a url', 'URL'],
  ])('DATABASE_URL=%s is refused', (value, expected) => {
    const err = configError({ DATABASE_URL: value });
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).toContain(expected);
  });

  it('ADMIN_PASSWORD shorter than 12 characters is refused', () => {
    const err = configError({ ADMIN_PASSWORD: 'short' });
    expect(err.message).toContain('ADMIN_PASSWORD');
    expect(err.message).toContain('12');
    expect(err.message).not.toContain('short'); // a password is never echoed
  });

  it('ADMIN_EMAIL must be an email address', () => {
    expect(configError({ ADMIN_EMAIL: 'admin' }).message).toContain('ADMIN_EMAIL');
  });

  it.each(['app.example.com', 'https://app.example.com/path', 'ftp://files.example.com'])(
    'CORS_ORIGINS with %s is refused',
    (origin) => {
      const err = configError({ CORS_ORIGINS: `https://ok.example.com,${origin}` });
      expect(err.message).toContain('CORS_ORIGINS');
      expect(err.message).toContain(origin);
    },
  );

  it('PUBLIC_URL, REDIS_URL and SMTP_URL schemes are checked', () => {
    expect(configError({ PUBLIC_URL: 'ftp://x' }).message).toContain('PUBLIC_URL');
    expect(configError({ REDIS_URL: 'http://x' }).message).toContain('REDIS_URL');
    expect(configError({ SMTP_URL: 'http://x' }).message).toContain('SMTP_URL');
  });

  it('METRICS_TOKEN (or its older name KEYWARD_METRICS_TOKEN) is read; a short or spaced one is refused', () => {
    expect(loadConfig({ METRICS_TOKEN: 'scrape-0123456789abcdef' }, false).metricsToken).toBe(
      'scrape-0123456789abcdef',
    );
    expect(loadConfig({ KEYWARD_METRICS_TOKEN: 'older-0123456789abcdef' }, false).metricsToken).toBe(
      'older-0123456789abcdef',
    );
    expect(loadConfig({}, false).metricsToken).toBeUndefined();
    for (const bad of ['too-short', 'has a space in it, sixteen+'])
      expect(configError({ METRICS_TOKEN: bad }).message).toContain('METRICS_TOKEN');
  });

  it('a short KEYWARD_MASTER_KEY is refused', () => {
    expect(configError({ KEYWARD_MASTER_KEY: 'too-short' }).message).toContain('KEYWARD_MASTER_KEY');
  });

  it('`keyward serve` with PORT=abc exits non-zero and prints the message', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keyward-config-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: 'abc', KEYWARD_DATA_DIR: dir };
      delete env.DATABASE_URL;
      const res = spawnSync(process.execPath, [BIN, 'serve'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status).not.toBe(0);
      expect(res.status).not.toBeNull();
      expect(res.stderr).toContain('PORT must be a whole number');
      expect(res.stderr).toContain('"abc"');
      expect(res.stdout).not.toContain('Keyward is running');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
