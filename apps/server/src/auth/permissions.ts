/**
 * The one place that says which staff role may do what. Routes name an action; the guard asks `can()`.
 * Reading is open to every role; each write action lists the roles allowed beyond owner and admin.
 */
export const ROLES = ['owner', 'admin', 'developer', 'sales', 'support', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

const WRITE_ACTIONS = {
  'users:write': [],
  'account:write': [],
  'api_keys:write': ['developer'],
  'signing_keys:write': ['developer'],
  'webhooks:write': ['developer'],
  'products:write': ['developer'],
  'plans:write': ['developer'],
  'customers:write': ['sales', 'support'],
  'subscriptions:write': ['sales'],
  'orders:write': ['sales'],
  'licenses:create': ['sales'],
  'licenses:write': ['sales'],
  'licenses:revoke': [],
  'activations:deactivate': ['support', 'sales'],
  'devices:block': ['support'],
  'emergency_codes:write': ['support'],
  'offline:write': ['support', 'sales'],
  'compliance:write': ['support'],
  'events:export': ['developer'],
} as const satisfies Record<string, readonly Role[]>;

export type WriteAction = keyof typeof WRITE_ACTIONS;
export type Action = 'read' | WriteAction;

/** True when `role` may perform `action`. */
export function can(role: Role, action: Action): boolean {
  if (action === 'read') return true;
  if (role === 'owner' || role === 'admin') return true;
  return (WRITE_ACTIONS[action] as readonly Role[]).includes(role);
}

/** Every write action, for tests that prove read_only is refused everywhere. */
export const ALL_WRITE_ACTIONS = Object.keys(WRITE_ACTIONS) as WriteAction[];

/**
 * True when `holder` may do everything `granted` may: what a principal may hand on (an API key's role).
 * Roles are not a ladder (sales may issue licenses, developer may not), so this compares permissions.
 */
export function roleCovers(holder: Role, granted: Role): boolean {
  return ALL_WRITE_ACTIONS.every((action) => !can(granted, action) || can(holder, action));
}

/**
 * The table as the OpenAPI document carries it, at its root (`x-keyward-permissions`): per action, every
 * role `can()` allows, owner and admin spelled out. The dashboard generates its copy from the document
 * (apps/web/scripts/permissions-from-openapi.mjs), so the two cannot drift.
 */
export function permissionsExtension() {
  const actions: Action[] = ['read', ...ALL_WRITE_ACTIONS];
  const table = Object.fromEntries(
    actions.map((action) => [action, ROLES.filter((role) => can(role, action))]),
  );
  return { 'x-keyward-permissions': { roles: ROLES, actions: table } };
}
