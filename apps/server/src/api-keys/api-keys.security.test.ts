import { describe } from 'vitest';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld();

describe('api keys security', () => {
  runSecuritySuite(
    {
      name: 'api-keys',
      create: async (account) => {
        const res = await world.server.request('POST', '/api/v1/api-keys', {
          token: await account.token('owner'),
          body: { name: 'ci', role: 'read_only' },
        });
        return res.body.id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/api-keys' },
        { method: 'GET', path: '/api/v1/api-keys/:id' },
        {
          method: 'POST',
          path: '/api/v1/api-keys',
          body: { name: 'k', role: 'read_only' },
          allowed: ['owner', 'admin', 'developer'],
        },
        { method: 'DELETE', path: '/api/v1/api-keys/:id', allowed: ['owner', 'admin', 'developer'] },
      ],
    },
    () => world,
  );
});
