import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { activate, createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';
import { decodedMail, useTestSmtp } from '../../test/support/smtp.js';
import { MAIL_RETRY_SECONDS } from './sender.js';

// Email through a real SMTP server (the `smtp-server` package on loopback): each license email reaches
// the license's customer; while the SMTP server is down the mail waits, and it is delivered once it is
// back, once.
const { smtp, config } = useTestSmtp();
const world = useServer({ config });
const messagesOf = (emailId: string) => smtp.messagesOf(emailId);
const decoded = decodedMail;

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
      .poll(
        async () => (await emailsOf('license.created')).find((e) => e.subject_id === license.id)?.status,
        {
          // The sender's claim loop sends it within its next turns; a loaded machine takes longer than a second.
          timeout: 10_000,
        },
      )
      .toBe('sent');
    await smtp.stop();
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
    await smtp.start(); // same port
    // The failed try set the next one MAIL_RETRY_SECONDS[0] (15 s) later; this test does not wait that
    // out: it checks the schedule, then lets that time pass by moving the retry to now.
    const sql = world.server.ctx.db.sql;
    const [retry] = await sql<{ wait: number }[]>`
      select extract(epoch from next_attempt_at - now())::float8 as wait from emails where id = ${email!.id}`;
    expect(retry!.wait).toBeGreaterThan(0);
    expect(retry!.wait).toBeLessThanOrEqual(MAIL_RETRY_SECONDS[0]!);
    await sql`update emails set next_attempt_at = now() where id = ${email!.id} and status = 'pending'`;
    await expect
      .poll(async () => (await emailsOf('license.suspended')).find((e) => e.id === email!.id)?.status, {
        timeout: 30_000,
        interval: 200,
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
      .poll(
        async () => (await emailsOf('license.created')).find((e) => e.subject_id === res.body.id)?.status,
        {
          timeout: 10_000,
        },
      )
      .toBe('skipped');
  });

  it('sends what the account turned on and skips what it turned off; sign-in emails stay on', async () => {
    const owner = await world.account.token('owner');
    const settings = await world.server.request('GET', '/api/v1/account/email-settings', { token: owner });
    expect(settings.status).toBe(200);
    const byTemplate = Object.fromEntries(
      settings.body.data.map((s: { template: string; enabled: boolean }) => [s.template, s.enabled]),
    );
    expect(byTemplate).toMatchObject({ 'license.suspended': true, 'activation.created': false });

    const refused = await world.server.request('PATCH', '/api/v1/account/email-settings', {
      token: owner,
      body: { templates: { 'staff.password_reset': false } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.pointer).toBe('/body/templates/staff.password_reset');
    const unknown = await world.server.request('PATCH', '/api/v1/account/email-settings', {
      token: owner,
      body: { templates: { 'license.exploded': true } },
    });
    expect(unknown.status).toBe(422);
    const readOnly = await world.server.request('PATCH', '/api/v1/account/email-settings', {
      token: await world.account.token('read_only'),
      body: { templates: { 'license.suspended': false } },
    });
    expect(readOnly.status).toBe(403);

    const changed = await world.server.request('PATCH', '/api/v1/account/email-settings', {
      token: owner,
      body: { templates: { 'license.suspended': false, 'activation.created': true } },
    });
    expect(changed.status).toBe(200);

    const customer = await createCustomer(world.server, world.account);
    const license = await issueLicense(world.server, world.account, { customer_id: customer.id });
    const activated = await activate(world.server, license.key, 'studio-mac');
    expect(activated.status).toBe(200);
    await world.server.request('POST', `/api/v1/licenses/${license.id}/suspend`, {
      token: owner,
      body: { reason: 'unpaid' },
    });
    const statusOf = async (template: string) =>
      (await emailsOf(template)).find((e) => e.subject_id === license.id)?.status;
    await expect.poll(() => statusOf('license.suspended'), { timeout: 10_000 }).toBe('skipped');
    await expect.poll(() => statusOf('activation.created'), { timeout: 10_000 }).toBe('sent');
    const notice = (await emailsOf('activation.created')).find((e) => e.subject_id === license.id)!;
    const text = decoded(messagesOf(notice.id)[0]!.raw);
    expect(messagesOf(notice.id)[0]!.to).toEqual([customer.email]);
    expect(text).toContain('(mac) has just been activated');
    expect(text).not.toContain(license.key);

    const reset = await world.server.request('PATCH', '/api/v1/account/email-settings', {
      token: owner,
      body: { templates: { 'license.suspended': null, 'activation.created': null } },
    });
    expect(reset.status).toBe(200);
  }, 30_000);

  it("emails the account's owners when an endpoint is disabled", async () => {
    const receiver = createServer((_req, res) => res.writeHead(410).end('gone'));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const owner = await world.account.token('owner');
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const endpoint = await world.server.request('POST', '/api/v1/webhook-endpoints', {
        token: owner,
        body: { url, event_types: ['webhook_endpoint.test'] },
      });
      expect(endpoint.status).toBe(201);
      await world.server.request('POST', `/api/v1/webhook-endpoints/${endpoint.body.id}/test`, {
        token: owner,
      });
      let email: { id: string; status: string; to_address: string } | undefined;
      await expect
        .poll(
          async () => {
            email = (await emailsOf('webhook_endpoint.disabled')).find(
              (e) => e.subject_id === endpoint.body.id,
            );
            return email?.status;
          },
          { timeout: 15_000 },
        )
        .toBe('sent');
      expect(email!.to_address).toBe(world.account.ownerEmail);
      const text = decoded(messagesOf(email!.id)[0]!.raw);
      expect(text).toContain(url);
      expect(text).toContain('410 Gone');
      expect(text).toContain(`/admin/settings/webhooks/${endpoint.body.id}`);
    } finally {
      receiver.close();
    }
  }, 30_000);

  it('renders every customer email and the SMTP server receives each', async () => {
    const customer = await createCustomer(world.server, world.account, { first_name: 'Lin' });
    const license = await issueLicense(world.server, world.account, { customer_id: customer.id });
    const templates = [
      ['license.expiring', 'license ends in'],
      ['license.trial_ending', 'trial ends in'],
      ['license.expired', 'license has expired'],
      ['license.trial_ended', 'trial has ended'],
      ['license.reinstated', 'license works again'],
      ['license.renewed', 'license is renewed'],
    ] as const;
    // Queued the way the event trigger queues them (these events have their own tests in lifecycle).
    const ids = new Map<string, string>();
    for (const [template] of templates) {
      const [row] = await world.server.ctx.db.sql<{ id: string }[]>`
        insert into emails (account_id, template, subject_type, subject_id)
        values (${world.account.accountId}, ${template}, 'license', ${license.id}) returning id`;
      ids.set(template, row!.id);
    }
    for (const [template, subject] of templates) {
      const id = ids.get(template)!;
      await expect.poll(() => messagesOf(id).length, { timeout: 10_000 }).toBe(1);
      const text = decoded(messagesOf(id)[0]!.raw);
      expect(text).toMatch(new RegExp(`Subject: .*${subject}`));
      expect(text).toContain('Hello Lin');
      expect(text).not.toContain(license.key);
    }
  }, 30_000);
});
