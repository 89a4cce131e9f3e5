import type { Role } from './permissions.js';

/** Who is calling the admin API: a staff user (access token) or an API key. Every query scopes by `accountId`. */
export interface Principal {
  accountId: string;
  role: Role;
  /** `system`: Keyward acting on a provider's event (Stripe), with the account's full rights. */
  actorType: 'user' | 'api_key' | 'system';
  actorId: string;
}
