import { describe, expect, it } from 'vitest';
import { createCustomer, issueLicense } from '../../test/support/fixtures.js';
import { useServer } from '../../test/support/server.js';

// Without SMTP_URL, email is held in the outbox: listed, previewed as it would be sent, sent later.
const world = useServer();

describe('the outbox (no SMTP server configured)', () => {
  it('holds each email, shows it rendered, and keeps it held on resend while there is still no SMTP', async () => {
    const owner = await world.account.token('owner');
    const customer = await createCustomer(world.server, world.account);
    const license = await issueLicense(world.server, world.account, { customer_id: customer.id });
    const find = async () => {
      const res = await world.server.request('GET', '/api/v1/emails?template=license.created', {
        token: owner,
      });
      return (res.body.data as { id: string; subject_id: string; status: string; last_error: string }[]).find(
        (e) => e.subject_id === license.id,
      );
    };
    await expect.poll(async () => (await find())?.status).toBe('outbox');
    const email = (await find())!;
    expect(email.last_error).toContain('SMTP_URL');
    const preview = await world.server.request('GET', `/api/v1/emails/${email.id}`, { token: owner });
    expect(preview.status).toBe(200);
    expect(preview.body.preview).toMatchObject({
      to: customer.email,
      subject: expect.stringContaining('license key'),
    });
    expect(preview.body.preview.text).toContain(license.key);
    expect(preview.body.preview.html).toContain('<p>');
    const resend = await world.server.request('POST', `/api/v1/emails/${email.id}/resend`, { token: owner });
    expect(resend.status).toBe(202);
    await expect.poll(async () => (await find())?.status).toBe('outbox');
    const denied = await world.server.request('POST', `/api/v1/emails/${email.id}/resend`, {
      token: await world.account.token('read_only'),
    });
    expect(denied.status).toBe(403);
  });
});
