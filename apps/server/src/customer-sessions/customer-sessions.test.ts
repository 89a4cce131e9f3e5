import { describe, expect, it } from 'vitest';
import { createCustomer } from '../../test/support/fixtures.js';
import { portalClient } from '../../test/support/portal.js';
import { FixedClock, useServer } from '../../test/support/server.js';
import { linkMailedTo, useTestSmtp } from '../../test/support/smtp.js';

// Issue L: customers sign in to the portal with a one-time emailed link (through a real SMTP server): it
// works once and for 15 minutes, only its digest is stored, unknown emails get the same answer, and only
// a customer session (not a staff token) opens the signed-in routes.
const { smtp, config } = useTestSmtp();
const clock = new FixedClock(new Date());
const world = useServer({ config, clock });
const { portal, mailsTo, signIn } = portalClient(world, smtp);

describe('customer sign-in', () => {
  it('mails a one-time link that opens a session; unknown emails get the same answer and no mail', async () => {
    const customer = await createCustomer(world.server, world.account, { first_name: 'Rosa' });
    const { session, link } = await signIn(customer.email);
    expect(link).toMatch(/^kwc_/);
    expect(session).toMatch(/^kws_/);

    // Only digests are stored.
    const [stored] = await world.server.ctx.db
      .sql`select count(*)::int as n from customer_links where token_digest = ${link}`;
    expect(stored!.n).toBe(0);

    const me = await portal('GET', '/me', session);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: customer.id, email: customer.email, name: 'Rosa' });

    const again = await portal('POST', '/sign-in/confirm', undefined, { token: link });
    expect([again.status, again.body.error.code]).toEqual([400, 'LINK_INVALID']);

    const unknown = await portal('POST', '/sign-in', undefined, { email: 'nobody-here@example.com' });
    expect(unknown.status).toBe(202);
    const known = await portal('POST', '/sign-in', undefined, { email: customer.email });
    expect(unknown.body).toEqual(known.body);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo('nobody-here@example.com')).toBe(0);

    // Signing out ends the session.
    expect((await portal('POST', '/sign-out', session)).status).toBe(204);
    const after = await portal('GET', '/me', session);
    expect([after.status, after.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
  });

  it('refuses a link after 15 minutes, and a staff token or API key on portal routes', async () => {
    const customer = await createCustomer(world.server, world.account);
    const before = mailsTo(customer.email);
    await portal('POST', '/sign-in', undefined, { email: customer.email });
    const { token } = await linkMailedTo(smtp, customer.email, '/portal/sign-in', before);
    clock.set(new Date(clock.now().getTime() + 16 * 60_000));
    const late = await portal('POST', '/sign-in/confirm', undefined, { token });
    expect([late.status, late.body.error.code]).toEqual([400, 'LINK_INVALID']);

    const staff = await portal('GET', '/me/licenses', await world.account.token('owner'));
    expect([staff.status, staff.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
    const none = await portal('GET', '/me/licenses');
    expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
