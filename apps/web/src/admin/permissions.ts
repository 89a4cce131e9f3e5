import type { Role } from '../api/session';
import { type Action, PERMISSIONS } from './permissions.generated';

export type { Action };

/**
 * True when `role` may perform `action`, by the server's own table (generated into
 * permissions.generated.ts). Used only to hide actions; the server refuses them anyway (403).
 */
export function can(role: Role | undefined, action: Action): boolean {
  if (!role) return false;
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}
