import { LicenseError, VerificationError, verifyLicenseFile } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { issueLicense } from '../support/fixtures.js';
import { createTestAccount } from '../support/server.js';
import { useSdkWorld } from './sdk-world.js';

// Issue O: an app built for one vendor, on a server hosting several, pins its account. Another
// vendor's key is refused (and the seat it took released), and so is a file signed for that vendor.
const w = useSdkWorld();

describe('an SDK client pinned to an account', () => {
  it("activates its account's keys, refuses another account's and gives that seat back", async () => {
    const other = await createTestAccount(w.server);
    const ours = await issueLicense(w.server, w.account);
    const theirs = await issueLicense(w.server, other);
    const pin = { accountId: w.account.accountId };

    const { client: mine } = w.client('pin-dev-1', pin);
    expect(await mine.activate(ours.key)).toMatchObject({ valid: true, licenseId: ours.id });
    expect((await mine.validate()).valid).toBe(true);

    const { client: stranger } = w.client('pin-dev-2', pin);
    const refused = await stranger.activate(theirs.key).catch((e) => e);
    expect(refused).toBeInstanceOf(LicenseError);
    expect(refused.code).toBe('ACCOUNT_MISMATCH');
    const seats = await w.server.request('GET', `/api/v1/licenses/${theirs.id}/activations`, {
      token: await other.token(),
    });
    expect(seats.body.data.filter((a: { status: string }) => a.status === 'active')).toEqual([]);
    expect((await stranger.validate().catch((e) => e)).code).toBe('NOT_ACTIVATED');
  });

  it("refuses a license file signed for another account, even with that account's keys", async () => {
    const other = await createTestAccount(w.server);
    const theirs = await issueLicense(w.server, other);
    const { client } = w.client('pin-file-dev', { accountId: w.account.accountId });
    const request = await client.createActivationRequest(theirs.key);
    const issued = await w.server.request('POST', '/api/v1/licensing/offline/activate', {
      body: { request },
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    const jwks = (await w.server.request('GET', `/.well-known/jwks.json?account=${other.accountId}`)).body;
    const file = issued.body.license_file as string;
    const opts = { jwks, now: w.clock.now(), fingerprint: 'pin-file-dev' };
    expect((await verifyLicenseFile(file, opts)).license.id).toBe(theirs.id);
    const pinned = await verifyLicenseFile(file, { ...opts, accountId: w.account.accountId }).catch((e) => e);
    expect(pinned).toBeInstanceOf(VerificationError);
    expect(pinned.code).toBe('ACCOUNT_MISMATCH');
  });
});
