import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ConfigError } from '../config/config.js';
import { every } from '../core/periodic.js';
import type { Database } from '../db/database.js';
import {
  deleteProcesses,
  deleteStaleProcesses,
  heartbeatProcess,
  listProcesses,
  lockProcessRegistry,
  type ProcessRow,
} from './repository.js';

const HEARTBEAT_MS = 10_000;
/** A process silent this long is taken to have died (several missed heartbeats, not one slow one). */
export const STALE_SECONDS = 45;

/** Whether a process of this host is alive (EPERM: alive, someone else's; a zombie has exited). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/**
 * Exited but not reaped yet (Linux): the workers of a `serve --workers` primary killed with -9 exit at
 * once, and stay zombies until init gets to them.
 */
function zombie(pid: number): boolean {
  try {
    // "pid (command) state …": the state follows the last parenthesis.
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^[\s\S]*\) /, '')
      .startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * The processes serving one database, each with the PUBLIC_URL it issues tokens as (`iss`). A process
 * on another PUBLIC_URL than a running one would issue tokens the others refuse, so its start is
 * refused; a process that stopped without saying so is forgotten after STALE_SECONDS, or at once when
 * it ran on this host and its pid is gone.
 */
export class ProcessRegistry {
  private readonly row = { id: randomUUID(), host: hostname(), pid: process.pid, publicUrl: '' };
  private stopHeartbeat: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    publicUrl: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.row.publicUrl = publicUrl;
  }

  /** Checks the running processes and joins them, or throws a ConfigError naming PUBLIC_URL. */
  async register(): Promise<void> {
    await this.db.tx(async (tx) => {
      await lockProcessRegistry(tx);
      await deleteStaleProcesses(tx, STALE_SECONDS);
      const rows = await listProcesses(tx);
      const gone = rows.filter((r) => r.host === this.row.host && !alive(r.pid));
      await deleteProcesses(
        tx,
        gone.map((r) => r.id),
      );
      const others = rows.filter((r) => !gone.includes(r) && r.public_url !== this.row.publicUrl);
      if (others.length > 0) throw this.refusal(others);
      await heartbeatProcess(tx, this.row);
    });
    this.stopHeartbeat = every(HEARTBEAT_MS, () => heartbeatProcess(this.db.sql, this.row), this.onError);
  }

  /** Leaves the registry (graceful shutdown): a restart on another PUBLIC_URL need not wait. */
  async stop(): Promise<void> {
    await this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    await deleteProcesses(this.db.sql, [this.row.id]).catch(this.onError);
  }

  private refusal(others: ProcessRow[]): ConfigError {
    const [first] = others;
    const where = `${first!.host} pid ${first!.pid}, seen ${Math.round(first!.seconds_ago)} s ago`;
    return new ConfigError(
      `PUBLIC_URL is ${this.row.publicUrl}, but ${others.length === 1 ? 'a running process' : `${others.length} running processes`} of this database ` +
        `(${where}) use ${first!.public_url}. Tokens carry the issuer (iss) and would be refused by the other processes. ` +
        `Give every process the same PUBLIC_URL, or stop the others first (one that stopped without shutting down is ignored after ${STALE_SECONDS} s). Refusing to start.`,
    );
  }
}
