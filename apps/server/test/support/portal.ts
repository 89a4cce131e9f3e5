import { expect } from 'vitest';
import type { World } from './server.js';
import { linkMailedTo, type TestSmtp } from './smtp.js';

/** The portal's API as a customer's browser calls it, and signing in through the mailed link. */
export function portalClient(world: World, smtp: TestSmtp) {
  const mailsTo = (to: string) => smtp.received.filter((m) => m.to.includes(to)).length;
  const portal = (method: string, path: string, token?: string, body?: unknown) =>
    world.server.request(method, `/api/v1/portal${path}`, {
      ...(token ? { token } : {}),
      ...(body !== undefined ? { body } : {}),
    });

  /** Signs `email` in through the emailed link; returns the session token and the link's token. */
  async function signIn(email: string) {
    const before = mailsTo(email);
    const asked = await portal('POST', '/sign-in', undefined, { email, account: world.account.slug });
    expect(asked.status).toBe(202);
    const { token } = await linkMailedTo(smtp, email, '/portal/sign-in', before);
    const session = await portal('POST', '/sign-in/confirm', undefined, { token });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    return { session: session.body.token as string, link: token };
  }

  return { portal, mailsTo, signIn };
}
