import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';
import { type Action, ALL_WRITE_ACTIONS, authorize, can, ROLES } from './permissions.js';

const world = useServer({ accounts: 0 });

// The dashboard's role table is generated from this part of the document, so it must be the guard's.
describe('the OpenAPI document carries the role table (x-keyward-permissions)', () => {
  it('lists every role and, per action, exactly the roles can() allows', async () => {
    const res = await world.server.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const table = res.body['x-keyward-permissions'];
    expect(table.roles).toEqual([...ROLES]);
    const actions: Action[] = ['read', ...ALL_WRITE_ACTIONS];
    expect(Object.keys(table.actions)).toEqual(actions);
    for (const action of actions) {
      expect(table.actions[action], action).toEqual(ROLES.filter((role) => can(role, action)));
    }
    expect(table.actions['users:write']).toEqual(['owner', 'admin']);
    expect(table.actions.read).toEqual([...ROLES]);
  });
});

describe('authorize: the role table, then the object', () => {
  const refused = (fn: () => void) => {
    try {
      fn();
      return null;
    } catch (err) {
      return (err as { code?: string }).code ?? 'thrown';
    }
  };
  it('owners alone change owners or grant the role; keys never exceed their maker', () => {
    expect(refused(() => authorize({ role: 'admin' }, 'users:write', { kind: 'user', role: 'owner' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      refused(() =>
        authorize({ role: 'admin' }, 'users:write', { kind: 'user', role: 'support', grant: 'owner' }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      refused(() =>
        authorize({ role: 'admin' }, 'users:write', { kind: 'user', role: 'support', grant: 'admin' }),
      ),
    ).toBeNull();
    expect(
      refused(() =>
        authorize({ role: 'owner' }, 'users:write', { kind: 'user', role: 'owner', grant: 'admin' }),
      ),
    ).toBeNull();
    expect(
      refused(() => authorize({ role: 'developer' }, 'api_keys:write', { kind: 'api_key', role: 'sales' })),
    ).toBe('FORBIDDEN');
    expect(
      refused(() =>
        authorize({ role: 'developer' }, 'api_keys:write', { kind: 'api_key', role: 'developer' }),
      ),
    ).toBeNull();
    expect(refused(() => authorize({ role: 'sales' }, 'api_keys:write'))).toBe('FORBIDDEN');
  });
});
