import type { Queryable } from '../db/database.js';
import type { PortalDevice } from './schemas.js';

/** The license's active devices, newest first, at most 100. */
export async function listActiveDevices(q: Queryable, accountId: string, licenseId: string) {
  return q<PortalDevice[]>`
    select id, device_id, machine_name, hostname, platform, app_version, status, activated_at, last_heartbeat_at, last_validated_at
    from activations where account_id = ${accountId} and license_id = ${licenseId} and status = 'active'
    order by activated_at desc limit 100`;
}
