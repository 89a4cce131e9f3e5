import { describe } from 'vitest';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import { useTwoAccountWorld } from '../../test/support/server.js';

const world = useTwoAccountWorld();

describe('users security', () => {
  runSecuritySuite(
    {
      name: 'users',
      create: async (account) => {
        const res = await world.server.request('POST', '/api/v1/users', {
          token: await account.token('owner'),
          body: {
            email: `u${Math.random().toString(36).slice(2)}@x.test`,
            role: 'support',
            password: 'long-enough-password',
          },
        });
        return res.body.id;
      },
      routes: [
        { method: 'GET', path: '/api/v1/users' },
        { method: 'GET', path: '/api/v1/users/:id' },
        {
          method: 'POST',
          path: '/api/v1/users',
          body: { email: 'new@x.test', role: 'support', password: 'long-enough-password' },
          allowed: ['owner', 'admin'],
        },
        {
          method: 'PATCH',
          path: '/api/v1/users/:id',
          body: { name: 'Renamed' },
          allowed: ['owner', 'admin'],
        },
        { method: 'DELETE', path: '/api/v1/users/:id', allowed: ['owner', 'admin'] },
      ],
    },
    () => world,
  );
});
