import { checkEmergencyCode, parseEmergencyCode } from '@keyward/sdk';
import { describe, expect, it } from 'vitest';
import { base32 } from '../../src/offline/emergency-code.js';
import { activate, issueLicense } from '../support/fixtures.js';
import { FixedClock, useServer } from '../support/server.js';

// Issue N, emergency codes bind their expiry: the month a code expires in is covered by the seat's signed
// month-chain roots (`emt`), so a holder who rewrites the date to a later month has an invalid code.

const clock = new FixedClock();
const world = useServer({ clock });
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function decode(code: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of code.replace(/-/g, '')) {
    value = ((value << 5) | CROCKFORD.indexOf(ch)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const encode = (bytes: Buffer) => base32(bytes).match(/.{6}/g)!.join('-');

/** The attacker's edit: the same code with its expiry moved by `days`. */
function moved(code: string, days: number): string {
  const bytes = decode(code);
  bytes.writeUInt32BE(bytes.readUInt32BE(1) + days * 24 * 60, 1);
  return encode(bytes);
}

describe('an emergency code’s expiry', () => {
  it('cannot be moved to a later month; the genuine code checks', async () => {
    clock.set('2027-03-10T12:00:00Z');
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'emergency-expiry');
    const claims = JSON.parse(Buffer.from(seat.body.signed_token.split('.')[1], 'base64url').toString());
    const commitments = { emc: claims.emc, emt: claims.emt, issuedAt: new Date(claims.iat * 1000) };
    expect(claims.emt).toHaveLength(1);
    const issued = await world.server.request(
      'POST',
      `/api/v1/activations/${seat.body.activation_id}/emergency-codes`,
      {
        token: await world.account.token('support'),
        body: { reason: 'site offline' },
      },
    );
    expect(issued.status).toBe(201);
    const now = clock.now();
    await checkEmergencyCode(parseEmergencyCode(issued.body.code), commitments, 'emergency-expiry', now);

    for (const days of [30, 365, 5000]) {
      const forged = parseEmergencyCode(moved(issued.body.code, days));
      expect(forged.expiresAt.getTime()).toBeGreaterThan(new Date(issued.body.expires_at).getTime());
      const refused = await checkEmergencyCode(forged, commitments, 'emergency-expiry', now).catch((e) => e);
      expect(refused.code, `moved by ${days} days`).toBe('EMERGENCY_CODE_INVALID');
    }
  });

  it('still checks when the device’s token is from an earlier era than the code', async () => {
    // An era is 60 months from 2020-01: 2029-12 is the last month of one, 2030-01 the first of the next.
    clock.set('2029-12-20T12:00:00Z');
    const license = await issueLicense(world.server, world.account);
    const seat = await activate(world.server, license.key, 'emergency-era');
    const claims = JSON.parse(Buffer.from(seat.body.signed_token.split('.')[1], 'base64url').toString());
    clock.set('2030-02-01T12:00:00Z');
    const issued = await world.server.request(
      'POST',
      `/api/v1/activations/${seat.body.activation_id}/emergency-codes`,
      {
        token: await world.account.token('support'),
        body: {},
      },
    );
    await checkEmergencyCode(
      parseEmergencyCode(issued.body.code),
      { emc: claims.emc, emt: claims.emt, issuedAt: new Date(claims.iat * 1000) },
      'emergency-era',
      clock.now(),
    );
  });
});
