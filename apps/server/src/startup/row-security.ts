import { ConfigError } from '../config/config.js';
import type { Database } from '../db/database.js';
import { APP_ROLE } from '../db/row-security.js';
import { appRoleStatus, grantAppRoleIfMissing } from './repository.js';

/**
 * Turns row-level security on for account-scoped work (KEYWARD_ROW_SECURITY, migration 0036), after the
 * migrations. `auto` goes without it, with a warning, where the role is missing or unusable (a managed
 * database that did not let the migration create it); `on` refuses to start there.
 */
export async function startRowSecurity(
  db: Database,
  mode: 'auto' | 'on' | 'off',
  warn: (message: string) => void,
): Promise<void> {
  if (mode === 'off') return;
  if (db.kind === 'embedded') {
    if (mode === 'on')
      throw new ConfigError(
        'KEYWARD_ROW_SECURITY=on needs PostgreSQL (set DATABASE_URL): the embedded engine has one user and no row-level security. Refusing to start.',
      );
    return;
  }
  const status = await appRoleStatus(db.system, APP_ROLE);
  const problem =
    status === 'missing'
      ? `the role ${APP_ROLE} does not exist (the migration could not create it)`
      : status === 'not-member'
        ? `the database user may not act as ${APP_ROLE} (GRANT ${APP_ROLE} TO <that user>)`
        : status === 'bypasses'
          ? `${APP_ROLE} is a superuser or has BYPASSRLS, so row-level security would not apply to it`
          : undefined;
  if (problem === undefined) {
    if (await db.tx((tx) => grantAppRoleIfMissing(tx, APP_ROLE)))
      warn(`granted ${APP_ROLE} its table privileges`);
    return db.enableRowSecurity();
  }
  const message = `row-level security is off: ${problem}`;
  if (mode === 'on') throw new ConfigError(`KEYWARD_ROW_SECURITY=on, but ${message}. Refusing to start.`);
  warn(
    `${message}; every query is still scoped by account in code (KEYWARD_ROW_SECURITY=off hides this warning)`,
  );
}
