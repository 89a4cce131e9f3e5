import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Config } from '../../src/config/config.js';

/** A message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps what it receives. `stop` then
 * `start` brings it back on the same port (an outage the sender must ride out).
 */
export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private port = 0;

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, done) => {
        let raw = '';
        stream.on('data', (c) => {
          raw += c;
        });
        stream.on('end', () => {
          this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          done();
        });
      },
    });
    this.server = server;
    return new Promise((resolve) =>
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.server.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The messages received for an email (its X-Keyward-Email-Id header). */
  messagesOf(emailId: string) {
    return this.received.filter((m) => m.raw.toLowerCase().includes(`x-keyward-email-id: ${emailId}`));
  }
}

/** A message as text: quoted-printable soft breaks joined and escapes decoded. */
export const decodedMail = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * The token of the last one-time link mailed to `to` whose page is `path` (e.g. `/admin/reset-password`),
 * ignoring the first `after` mails to them; polls until it arrives.
 */
export async function linkMailedTo(
  smtp: TestSmtp,
  to: string,
  path: string,
  after = 0,
): Promise<{ token: string; text: string }> {
  let found: { token: string; text: string } | undefined;
  await expect
    .poll(
      () => {
        // The newest mail with such a link: other mails to them (a receipt, say) may arrive after it.
        const pattern = new RegExp(`${path}#token=(kw[a-z]_[A-Za-z0-9_-]+)`);
        const texts = smtp.received
          .filter((m) => m.to.includes(to))
          .slice(after)
          .map((m) => decodedMail(m.raw));
        const text = texts.filter((t) => pattern.test(t)).at(-1);
        found = text ? { token: pattern.exec(text)![1]!, text } : undefined;
        return Boolean(found);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return found!;
}

/**
 * A test file's SMTP server: started before the file's servers (call this before `useServer`) and
 * stopped after; `config` carries its URL into `useServer({ config })`.
 */
export function useTestSmtp(): { smtp: TestSmtp; config: Partial<Config> } {
  const smtp = new TestSmtp();
  const config: Partial<Config> = {};
  beforeAll(async () => {
    await smtp.start();
    config.smtpUrl = smtp.url;
  });
  afterAll(() => smtp.stop());
  return { smtp, config };
}
