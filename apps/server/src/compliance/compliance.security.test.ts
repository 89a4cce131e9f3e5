import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { activate, issueLicense } from '../../test/support/fixtures.js';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

// The shared 401/403/404 suite over compliance's routes: reads for every role, writes for the roles the
// role table gives compliance:write (suspending also needs licenses:write, so support is refused there).
const world = useTwoAccountWorld();
const WRITERS = ['owner', 'admin', 'support'] as const;

describe('compliance security', () => {
  runSecuritySuite(
    {
      name: 'compliance',
      // A violation: the app of a seat reports its clock set back, which raises one at once.
      create: async (account) => {
        const license = await issueLicense(world.server, account);
        const device = `sec-${randomUUID()}`;
        await activate(world.server, license.key, device);
        const report = await world.server.request('POST', '/api/v1/licensing/report', {
          body: { license_key: license.key, device_id: device, kind: 'clock_tamper' },
        });
        expect(report.status).toBe(202);
        const listed = await world.server.request(
          'GET',
          `/api/v1/compliance/violations?license_id=${license.id}`,
          { token: await account.token('owner') },
        );
        return listed.body.data[0].id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/compliance/overview' },
        { method: 'GET', path: '/api/v1/compliance/violations' },
        { method: 'GET', path: '/api/v1/compliance/violations/:id' },
        { method: 'GET', path: '/api/v1/compliance/audits' },
        { method: 'GET', path: '/api/v1/compliance/customers' },
        {
          method: 'PATCH',
          path: '/api/v1/compliance/violations/:id',
          body: { status: 'acknowledged' },
          allowed: WRITERS,
        },
        {
          method: 'POST',
          path: '/api/v1/compliance/violations/:id/suspend-license',
          body: {},
          allowed: ['owner', 'admin'],
        },
        {
          method: 'POST',
          path: '/api/v1/compliance/violations/:id/block-device',
          body: {},
          allowed: WRITERS,
        },
        {
          method: 'POST',
          path: '/api/v1/compliance/violations/:id/notify-customer',
          body: {},
          allowed: WRITERS,
        },
        { method: 'POST', path: '/api/v1/compliance/audits', body: { scope: 'account' }, allowed: WRITERS },
      ],
    },
    () => world,
  );
});
