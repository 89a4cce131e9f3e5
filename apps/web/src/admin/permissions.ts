import type { Role } from '../api/session';

/**
 * Mirror of the server's `auth/permissions.ts`, used only to hide actions a role may not perform; the
 * server refuses them anyway (403).
 */
const WRITE_ACTIONS = {
  'users:write': [],
  'api_keys:write': ['developer'],
  'signing_keys:write': ['developer'],
  'products:write': ['developer'],
  'plans:write': ['developer'],
  'customers:write': ['sales', 'support'],
  'subscriptions:write': ['sales'],
  'licenses:create': ['sales'],
  'licenses:write': ['sales'],
  'licenses:revoke': [],
  'activations:deactivate': ['support', 'sales'],
  'devices:block': ['support'],
  'emergency_codes:write': ['support'],
  'offline:write': ['support', 'sales'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof WRITE_ACTIONS;

export function can(role: Role | undefined, action: Action): boolean {
  if (!role) return false;
  if (role === 'owner' || role === 'admin') return true;
  return (WRITE_ACTIONS[action] as readonly Role[]).includes(role);
}
