import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import type { Config } from '../config/config.js';

// Email through a real SMTP server (the `smtp-server` package on loopback): each license email reaches
// the license's customer; while the SMTP server is down the mail waits, and it is delivered once it is
// back, once.
interface Received {
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let port = 0;

function startSmtp(): Promise<void> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c) => {
        raw += c;
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  return new Promise((resolve) =>
    smtp.listen(port, '127.0.0.1', () => {
      port = (smtp.server.address() as AddressInfo).port;
      resolve();
    }),
  );
}

const config: Partial<Config> = {};
beforeAll(async () => {
  await startSmtp();
  config.smtpUrl = `smtp://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => smtp.close(() => r())));
const world = useServer({ config });

/** The messages received for an email (its X-Keyward-Email-Id header). */
const messagesOf = (emailId: string) =>
  received.filter((m) => m.raw.toLowerCase().includes(`x-keyward-email-id: ${emailId}`));

/** The message as text: quoted-printable soft breaks joined and escapes decoded. */
const decoded = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function emailsOf(template: string) {
  const res = await world.server.request('GET', `/api/v1/emails?template=${template}&limit=100`, {
    token: await world.account.token('owner'),
  });
  expect(res.status).toBe(200);
  return res.body.data as {
    id: string;
    subject_id: string;
    status: string;
    to_address: string;
    attempts: number;
    last_error: string;
  }[];
}

describe('email', () => {
  it("sends the license key to the license's customer, in the account's branding", async () => {
    const owner = await world.account.token('owner');
    const branding = await world.server.request('PATCH', '/api/v1/account/branding', {
      token: owner,
      body: { product_name: 'Acme Studio', support_email: 'help@acme.test' },
    });
    expect(branding.status).toBe(200);
    expect(branding.body).toMatchObject({ product_name: 'Acme Studio', from_name: 'Acme Studio' });
    const customer = await createCustomer(world.server, world.account, {
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    const license = await issueLicense(world.server, world.account, { customer_id: customer.id });
    let email: { id: string; status: string; to_address: string } | undefined;
    await expect
      .poll(
        async () => {
          email = (await emailsOf('license.created')).find((e) => e.subject_id === license.id);
          return email?.status;
        },
        { timeout: 10_000 },
      )
      .toBe('sent');
    expect(email!.to_address).toBe(customer.email);
    const [message] = messagesOf(email!.id);
    expect(message!.to).toEqual([customer.email]);
    const text = decoded(message!.raw);
    expect(text).toContain('Subject: Your Acme Studio license key');
    expect(text).toContain(license.key);
    expect(text).toContain('Hello Ada Lovelace');
    expect(text).toContain('help@acme.test');
    expect(message!.raw).toMatch(/Content-Type: text\/html/);
    // Staff who may not see keys preview it with the key masked.
    const preview = await world.server.request('GET', `/api/v1/emails/${email!.id}`, {
      token: await world.account.token('support'),
    });
    expect(preview.status).toBe(200);
    expect(preview.body.preview.text).not.toContain(license.key);
    expect(preview.body.preview.text).toContain(license.key.slice(-4));
  });

  it('keeps mail while the SMTP server is down and delivers it once it is back, once', async () => {
    const customer = await createCustomer(world.server, world.account);
    const license = await issueLicense(world.server, world.account, { customer_id: customer.id });
    await expect
      .poll(async () => (await emailsOf('license.created')).find((e) => e.subject_id === license.id)?.status)
      .toBe('sent');
    await new Promise<void>((r) => smtp.close(() => r()));
    const suspended = await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: await world.account.token('owner'),
      body: { reason: 'unpaid' },
    });
    expect(suspended.status).toBe(200);
    let email: { id: string; status: string; attempts: number; last_error: string } | undefined;
    await expect
      .poll(
        async () => {
          // attempts is counted when a sender claims the mail; last_error only once its try has failed.
          email = (await emailsOf('license.suspended')).find((e) => e.subject_id === license.id);
          return Boolean(email?.last_error);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(email!.status).toBe('pending');
    expect(email!.attempts).toBeGreaterThanOrEqual(1);
    await startSmtp(); // same port
    await expect
      .poll(async () => (await emailsOf('license.suspended')).find((e) => e.id === email!.id)?.status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe('sent');
    expect(messagesOf(email!.id)).toHaveLength(1);
    expect(decoded(messagesOf(email!.id)[0]!.raw)).toContain('has been suspended');
  }, 45_000);

  it('skips an email that has no one to go to (a license without a customer)', async () => {
    const owner = await world.account.token('owner');
    const plan = (await issueLicense(world.server, world.account)).plan_id;
    const res = await world.server.request('POST', '/api/v1/licenses', {
      token: owner,
      body: { plan_id: plan },
    });
    expect(res.status).toBe(201);
    await expect
      .poll(async () => (await emailsOf('license.created')).find((e) => e.subject_id === res.body.id)?.status)
      .toBe('skipped');
  });
});
