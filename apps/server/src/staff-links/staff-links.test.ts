import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { linkMailedTo as mailedLink, useTestSmtp } from '../../test/support/smtp.js';

// Staff invitations and password resets by one-time links, mailed through a real SMTP server: the link
// works once and for a limited time, only its digest is stored, previews never show it, and asking for
// a reset tells no one whether an email belongs to a user.
const { smtp, config } = useTestSmtp();
const world = useServer({ config });

const STRONG = 'correct horse battery staple 42';

const linkMailedTo = (to: string, page: string, after = 0) => mailedLink(smtp, to, `/admin/${page}`, after);

const mailsTo = (to: string) => smtp.received.filter((m) => m.to.includes(to)).length;

describe('staff invitations', () => {
  it('invites a user by email; the link sets their password once and signs them in', async () => {
    const owner = await world.account.token('owner');
    const email = `new-dev@${world.account.slug}.test`;
    const created = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email, role: 'developer' },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('invited');
    const { token, text } = await linkMailedTo(email, 'accept-invitation');
    expect(text).toContain('invited you');
    expect(text).toContain('as developer');

    // Not stored: the database keeps the token's digest only; the owner's preview hides the link.
    const [stored] = await world.server.ctx.db
      .sql`select count(*)::int as n from user_links where token_digest = ${token}`;
    expect(stored!.n).toBe(0);
    const log = await world.server.request('GET', '/api/v1/emails?template=staff.invitation', {
      token: owner,
    });
    const entry = log.body.data.find((e: { to_address: string }) => e.to_address === email);
    const preview = await world.server.request('GET', `/api/v1/emails/${entry.id}`, { token: owner });
    expect(preview.body.preview.text).toContain('#token=…');
    expect(preview.body.preview.text).not.toContain(token);

    // An invited user cannot sign in until they accept.
    const early = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: STRONG },
    });
    expect(early.status).toBe(401);

    const inspected = await world.server.request('POST', '/api/v1/auth/links/inspect', { body: { token } });
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({ purpose: 'invitation', email });

    const weak = await world.server.request('POST', '/api/v1/auth/invitation/accept', {
      body: { token, password: 'password1234' },
    });
    expect(weak.status).toBe(422);
    expect(weak.body.error.code).toBe('PASSWORD_TOO_WEAK');

    const accepted = await world.server.request('POST', '/api/v1/auth/invitation/accept', {
      body: { token, password: STRONG, name: 'Grace Hopper' },
    });
    expect(accepted.status).toBe(200);
    const me = await world.server.request('GET', '/api/v1/auth/me', { token: accepted.body.access_token });
    expect(me.body.user).toMatchObject({ email, name: 'Grace Hopper', role: 'developer' });

    const again = await world.server.request('POST', '/api/v1/auth/invitation/accept', {
      body: { token, password: STRONG },
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('LINK_INVALID');
    const login = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: STRONG },
    });
    expect(login.status).toBe(200);

    const resend = await world.server.request('POST', `/api/v1/users/${created.body.id}/invitation`, {
      token: owner,
    });
    expect(resend.status).toBe(409);
  });

  it('a new invitation link replaces the old one; an admin cannot invite an owner', async () => {
    const owner = await world.account.token('owner');
    const email = `late@${world.account.slug}.test`;
    const created = await world.server.request('POST', '/api/v1/users', {
      token: owner,
      body: { email, role: 'support' },
    });
    const first = await linkMailedTo(email, 'accept-invitation');
    const resend = await world.server.request('POST', `/api/v1/users/${created.body.id}/invitation`, {
      token: owner,
    });
    expect(resend.status).toBe(202);
    const second = await linkMailedTo(email, 'accept-invitation', 1);
    expect(second.token).not.toBe(first.token);
    const old = await world.server.request('POST', '/api/v1/auth/links/inspect', {
      body: { token: first.token },
    });
    expect(old.body.error.code).toBe('LINK_INVALID');
    const fresh = await world.server.request('POST', '/api/v1/auth/links/inspect', {
      body: { token: second.token },
    });
    expect(fresh.status).toBe(200);

    const escalation = await world.server.request('POST', '/api/v1/users', {
      token: await world.account.token('admin'),
      body: { email: `boss@${world.account.slug}.test`, role: 'owner' },
    });
    expect(escalation.status).toBe(403);
  });
});

describe('password reset', () => {
  it('mails a one-hour link to a user; the same answer, and no mail, for an unknown email', async () => {
    // A user of its own: resetting ends every session of the user, and the other tests sign in as the owner.
    const email = `forgetful@${world.account.slug}.test`;
    const first = 'Tulip orbit canyon 1987';
    const created = await world.server.request('POST', '/api/v1/users', {
      token: await world.account.token('owner'),
      body: { email, role: 'admin', password: first },
    });
    expect(created.status).toBe(201);
    const sessions = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: first },
    });
    expect(sessions.status).toBe(200);

    const known = await world.server.request('POST', '/api/v1/auth/password-reset', { body: { email } });
    const unknown = await world.server.request('POST', '/api/v1/auth/password-reset', {
      body: { email: `nobody@${world.account.slug}.test` },
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);

    const { token, text } = await linkMailedTo(email, 'reset-password');
    expect(text).toContain('reset the password');
    expect(mailsTo(`nobody@${world.account.slug}.test`)).toBe(0);

    const reset = await world.server.request('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: STRONG },
    });
    expect(reset.status).toBe(204);
    // Every session of the user ended; the new password signs in, the old one does not; the link is spent.
    const refreshed = await world.server.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: sessions.body.refresh_token },
    });
    expect(refreshed.status).toBe(401);
    const oldLogin = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: first },
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await world.server.request('POST', '/api/v1/auth/login', {
      body: { email, password: STRONG },
    });
    expect(newLogin.status).toBe(200);
    const reuse = await world.server.request('POST', '/api/v1/auth/password-reset/confirm', {
      body: { token, password: `${STRONG}!` },
    });
    expect(reuse.body.error.code).toBe('LINK_INVALID');
  });

  it('refuses an expired link and an unknown one with the same clear code', async () => {
    const email = `expiring@${world.account.slug}.test`;
    const created = await world.server.request('POST', '/api/v1/users', {
      token: await world.account.token('owner'),
      body: { email, role: 'read_only', password: STRONG },
    });
    expect(created.status).toBe(201);
    const asked = await world.server.request('POST', '/api/v1/auth/password-reset', { body: { email } });
    expect(asked.status).toBe(202);
    const { token } = await linkMailedTo(email, 'reset-password');
    await world.server.ctx.db.sql`
      update user_links set expires_at = now() - interval '1 minute'
      where user_id = (select id from users where email = ${email})`;
    for (const t of [token, 'kwl_not-a-real-token-at-all']) {
      const res = await world.server.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token: t, password: STRONG },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'LINK_INVALID' });
      expect(res.body.error.message).toContain('Ask for a new one');
    }
  });
});
