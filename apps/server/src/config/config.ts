import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import ipaddr from 'ipaddr.js';

/** Validated runtime configuration. Names follow product.md §2.10. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  masterKey: string | undefined;
  adminEmail: string;
  adminPassword: string | undefined;
  publicUrl: string;
  corsOrigins: string[];
  smtpUrl: string | undefined;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  /** Where the Stripe library sends its calls (default Stripe's own API; tests point it at a local stand-in). */
  stripeApiUrl: string | undefined;
  /** Webhook destinations allowed although not public (host names, addresses, CIDRs): tests, private networks. */
  webhookAllowedHosts: string[];
  /** How long a webhook receiver has to answer; a claim is leased for three times this. */
  webhookTimeoutSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests a minute per caller: per credential (API key, session), or per IP without one. */
  rateLimitPerMinute: number;
  /** Requests a minute per device (license key or token, and device id) on each client-API route. */
  clientRateLimitPerMinute: number;
  /** Unknown license keys a minute per IP before the key-taking routes refuse it. */
  keyGuessesPerMinute: number;
  loginAttemptsPerMinute: number;
  bodyLimitBytes: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>` (without it, only this host). */
  metricsToken: string | undefined;
  /**
   * What this process does with the job queue: `all` works the queues and keeps the schedule, `work`
   * works them without scheduling (another process schedules), `off` only queues (an API-only process).
   */
  jobs: 'all' | 'work' | 'off';
  /** A job run still active after this long is taken to have died with its process, and runs again. */
  jobTimeoutSeconds: number;
  /**
   * How often a worker looks for job runs nobody announced: retries, the schedule's runs, runs of a
   * process that died. A run queued through `enqueue` is announced and starts at once.
   */
  jobPollSeconds: number;
  /** Usage-log rows (validations, heartbeats …) are kept this many days; their hourly sums stay. */
  usageRetentionDays: number;
  /** KEYWARD_MULTI_ACCOUNT: the operator account's owners may create and disable other accounts. */
  multiAccount: boolean;
  /**
   * KEYWARD_ROW_SECURITY: account-scoped requests run as the keyward_app role under PostgreSQL row-level
   * security. `auto` (default): on PostgreSQL when the role is usable, with a warning when it is not;
   * `on`: refuse to start without it; `off`: never (the embedded engine is always without it).
   */
  rowSecurity: 'auto' | 'on' | 'off';
  nodeEnv: string;
}

/** A configuration value that cannot be used; the message names the variable and what is expected. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

/** WEBHOOK_ALLOWED_HOSTS: comma-separated host names, IP addresses or CIDR ranges. */
function allowedHosts(env: Env): string[] {
  const entries = (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const ok = entry.includes('/')
      ? ipaddr.isValidCIDR(entry)
      : ipaddr.isValid(entry) ||
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry);
    if (!ok)
      throw new ConfigError(
        `WEBHOOK_ALLOWED_HOSTS must list host names, IP addresses or CIDR ranges (e.g. hooks.internal,10.0.0.0/8); got "${entry}"`,
      );
  }
  return entries;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}); got an unparsable value`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}; got "${parsed.protocol}"`);
  }
  return raw;
}

/** A value from a fixed list (`fallback` when unset). */
function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw as T))
    throw new ConfigError(`${name} must be one of ${values.join(', ')}; got "${raw}"`);
  return raw as T;
}

/** METRICS_TOKEN (KEYWARD_METRICS_TOKEN, its older name, still read): sent in a header, so no spaces. */
function metricsToken(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN || env.KEYWARD_METRICS_TOKEN;
  if (!raw) return undefined;
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw))
    throw new ConfigError(
      'METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. `openssl rand -hex 32`)',
    );
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads configuration from `env` (and `.env` in the working directory when `loadDotenv`). */
export function loadConfig(env: Env = process.env, loadDotenv = true): Config {
  if (loadDotenv && existsSync('.env'))
    dotenv.config({ path: '.env', processEnv: env as NodeJS.ProcessEnv, quiet: true });
  const logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  const adminEmail = env.ADMIN_EMAIL ?? 'admin@keyward.local';
  if (!/^[^@\s]+@[^@\s]+$/.test(adminEmail))
    throw new ConfigError(`ADMIN_EMAIL must be an email address; got "${adminEmail}"`);
  if (env.ADMIN_PASSWORD !== undefined && env.ADMIN_PASSWORD.length > 0 && env.ADMIN_PASSWORD.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 12 characters long');
  }
  if (
    env.KEYWARD_MASTER_KEY !== undefined &&
    env.KEYWARD_MASTER_KEY.length > 0 &&
    env.KEYWARD_MASTER_KEY.length < 32
  ) {
    throw new ConfigError(
      'KEYWARD_MASTER_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)',
    );
  }
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(
        `CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com; got "${origin}"`,
      );
    }
  }
  return {
    port,
    host,
    dataDir: path.resolve(env.KEYWARD_DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    masterKey: env.KEYWARD_MASTER_KEY || undefined,
    adminEmail: adminEmail.toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD || undefined,
    publicUrl: publicUrl.replace(/\/$/, ''),
    corsOrigins,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    stripeSecretKey: env.STRIPE_SECRET_KEY || undefined,
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    stripeApiUrl: url(env, 'STRIPE_API_URL', ['https:', 'http:']),
    webhookAllowedHosts: allowedHosts(env),
    webhookTimeoutSeconds: int(env, 'KEYWARD_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60),
    logLevel,
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 1_000_000_000),
    clientRateLimitPerMinute: int(env, 'CLIENT_RATE_LIMIT_PER_MINUTE', 120, 1, 1_000_000_000),
    keyGuessesPerMinute: int(env, 'KEY_GUESSES_PER_MINUTE', 30, 1, 1_000_000_000),
    loginAttemptsPerMinute: int(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 5, 1, 1000),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 300, 365 * 86_400),
    metricsToken: metricsToken(env),
    jobs: oneOf(env, 'KEYWARD_JOBS', ['all', 'work', 'off'] as const, 'all'),
    jobTimeoutSeconds: int(env, 'KEYWARD_JOB_TIMEOUT_SECONDS', 900, 2, 86_400),
    jobPollSeconds: int(env, 'KEYWARD_JOB_POLL_SECONDS', 10, 1, 300),
    usageRetentionDays: int(env, 'KEYWARD_USAGE_RETENTION_DAYS', 90, 1, 3650),
    multiAccount: oneOf(env, 'KEYWARD_MULTI_ACCOUNT', ['true', 'false'] as const, 'false') === 'true',
    rowSecurity: oneOf(env, 'KEYWARD_ROW_SECURITY', ['auto', 'on', 'off'] as const, 'auto'),
    nodeEnv: env.NODE_ENV ?? 'production',
  };
}
