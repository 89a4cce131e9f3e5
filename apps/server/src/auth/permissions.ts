import { AppError } from '../core/errors.js';

/**
 * The one place that says which staff role may do what. Routes name an action; the guard asks `can()`.
 * Reading is open to every role; each write action lists the roles allowed beyond owner and admin.
 */
export const ROLES = ['owner', 'admin', 'developer', 'sales', 'support', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

const WRITE_ACTIONS = {
  'users:write': [],
  'account:write': [],
  // The demo catalogue fills the account's plan codes (free … enterprise): the account's call to make.
  'demo_data:load': [],
  'api_keys:write': ['developer'],
  'signing_keys:write': ['developer'],
  'webhooks:write': ['developer'],
  'products:write': ['developer'],
  'plans:write': ['developer'],
  'customers:write': ['sales', 'support'],
  'subscriptions:write': ['sales'],
  'orders:write': ['sales'],
  // Approving an order and refunding one are money decisions: owners and admins.
  'orders:approve': [],
  'licenses:create': ['sales'],
  'licenses:write': ['sales'],
  'licenses:revoke': [],
  'activations:deactivate': ['support', 'sales'],
  'devices:block': ['support'],
  'emergency_codes:write': ['support'],
  'offline:write': ['support', 'sales'],
  'compliance:write': ['support'],
  'events:export': ['developer'],
  // The job queue serves every account of the deployment: its page and its runs are the operator's.
  'jobs:manage': [],
  // Other accounts of the deployment: the operator's (the service also requires an owner of the first account).
  'accounts:manage': [],
  // Taking quota is a write: a read-only key may ask whether a feature is allowed, not use it up.
  'usage:consume': ['developer', 'sales', 'support'],
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

/** What an action is done to, where the object itself changes the answer. */
export type Target =
  /** A staff user of the given role; `grant` is the role the change would give them. */
  | { kind: 'user'; role: Role; grant?: Role | undefined }
  /** A new API key of the given role. */
  | { kind: 'api_key'; role: Role };

/**
 * The one decision "may this principal do this (to that)": the role table, then the object's own rules.
 * An owner is an owner's to change (anyone else could take the account), and an API key may do only
 * what its maker may. Throws 403 FORBIDDEN saying why; every route's guard and every service that
 * touches such an object asks it.
 */
export function authorize(p: { role: Role }, action: Action, target?: Target): void {
  if (!can(p.role, action))
    throw new AppError('FORBIDDEN', `The ${p.role} role may not perform ${action}`, { action, role: p.role });
  if (target?.kind === 'user' && p.role !== 'owner') {
    if (target.grant === 'owner' || (target.role === 'owner' && target.grant !== undefined))
      throw new AppError('FORBIDDEN', 'Only an owner may grant or take away the owner role');
    if (target.role === 'owner') throw new AppError('FORBIDDEN', 'Only an owner may change an owner');
  }
  if (target?.kind === 'api_key' && !roleCovers(p.role, target.role))
    throw new AppError(
      'FORBIDDEN',
      `A ${p.role} cannot create an API key with the ${target.role} role: it may do what a ${p.role} may not`,
      { role: p.role, key_role: target.role },
    );
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
