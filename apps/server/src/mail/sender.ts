import type { Transporter } from 'nodemailer';
import { ClaimLoop } from '../core/claim-loop.js';
import type { AppContext } from '../core/context.js';
import { loadOnUse } from '../core/load-on-use.js';
import { onWorkQueued } from '../db/work-notices.js';
import { type MailMessage, renderEmail } from './render.js';
import {
  claimDueEmails,
  type EmailRow,
  holdDueInOutbox,
  markFailed,
  markSent,
  markSkipped,
} from './repository.js';

/** Seconds after each failed attempt before the next (an SMTP outage delays mail; about 3 days, then failed). */
export const MAIL_RETRY_SECONDS = [
  15, 60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 43_200, 43_200, 43_200,
];
/** A claim's lease: an SMTP exchange that takes longer is taken to have died with its process. */
const LEASE_MS = 120_000;

/**
 * Sends the emails that fall due, in every process that works jobs: over SMTP (`SMTP_URL`, a pooled
 * nodemailer transport) with retries on a schedule, or — with no SMTP configured — holds them in the
 * outbox, where the dashboard shows them and can send them later.
 */
export class MailSender {
  private readonly transport: Transporter | null;
  private readonly loop: ClaimLoop<EmailRow>;

  constructor(private readonly ctx: AppContext) {
    this.transport = ctx.config.smtpUrl
      ? (loadOnUse('nodemailer') as typeof import('nodemailer')).createTransport(ctx.config.smtpUrl, {
          pool: true,
          maxConnections: 3,
        } as never)
      : null;
    this.loop = new ClaimLoop({
      claim: async (limit) => {
        const now = new Date();
        if (!this.transport) {
          await holdDueInOutbox(ctx.db.sql, now, 500);
          return [];
        }
        return claimDueEmails(ctx.db.sql, now, new Date(now.getTime() + LEASE_MS), limit);
      },
      handle: (email) => this.send(email),
      batch: 20,
      maxInFlight: 20,
      // New emails are announced (migration 0038): the looks by itself are for retries and dead leases.
      idleMs: 5000,
      wakeOn: (wake) => onWorkQueued(ctx.db, 'emails', wake),
      onError: (err) => ctx.log.warn({ err: (err as Error).message }, 'sending email failed'),
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop(10_000);
    this.transport?.close();
  }

  private async send(email: EmailRow): Promise<void> {
    const sql = this.ctx.db.sql;
    let message: MailMessage;
    try {
      message = await renderEmail(this.ctx, email, { key: true, link: true });
    } catch (err) {
      return this.failed(email, `Could not render: ${(err as Error).message}`);
    }
    if ('skip' in message) return markSkipped(sql, email.id, message.skip);
    try {
      const info = await this.transport!.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'X-Keyward-Email-Id': email.id },
      });
      await markSent(sql, email.id, {
        to: message.to,
        subject: message.subject,
        messageId: String(info.messageId),
      });
    } catch (err) {
      await this.failed(email, (err as Error).message);
    }
  }

  private failed(email: EmailRow, error: string) {
    const wait = MAIL_RETRY_SECONDS[email.attempts - 1];
    return markFailed(
      this.ctx.db.sql,
      email.id,
      error.slice(0, 500),
      wait === undefined ? null : new Date(Date.now() + wait * 1000),
    );
  }
}
