import type { Role } from './permissions.js';

/** Who is calling the admin API: a staff user (access token) or an API key. Every query scopes by `accountId`. */
export interface Principal {
  accountId: string;
  role: Role;
  actorType: 'user' | 'api_key';
  actorId: string;
}
