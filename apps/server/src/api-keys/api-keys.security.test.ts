import { afterAll, beforeAll, describe } from 'vitest';
import { runSecuritySuite } from '../../test/support/security-suite.js';
import {
  createTestAccount,
  startTestServer,
  type TestAccount,
  type TestServer,
} from '../../test/support/server.js';

let server: TestServer;
let accountA: TestAccount;
let accountB: TestAccount;

beforeAll(async () => {
  server = await startTestServer();
  accountA = await createTestAccount(server);
  accountB = await createTestAccount(server);
});
afterAll(() => server?.close());

describe('api keys security', () => {
  runSecuritySuite(
    {
      name: 'api-keys',
      create: async (account) => {
        const res = await server.request('POST', '/api/v1/api-keys', {
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
    () => ({ server, accountA, accountB }),
  );
});
