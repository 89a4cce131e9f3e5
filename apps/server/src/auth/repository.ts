import type { Queryable } from '../db/database.js';
import type { Role } from './permissions.js';

/** An API key as authentication reads it (cached per process by `ApiKeyCache`). */
export interface ApiKeyRow {
  id: string;
  account_id: string;
  role: Role;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** The key's account was disabled by the server's operator. */
  account_disabled: boolean;
}

/** A staff user as sign-in reads it (the hash only to verify against). */
export interface LoginUser {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  status: string;
  password_hash: string;
  account_disabled: boolean;
}

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  status: string;
  expires_at: Date;
  user_id: string;
  account_id: string;
}

/** The users with this email (of the account `slug` when given); two or more means it is ambiguous. */
export function findLoginCandidates(q: Queryable, email: string, slug?: string) {
  return q<(LoginUser & { slug: string })[]>`
    select u.id, u.account_id, u.email, u.name, u.role, u.status, u.password_hash, a.slug,
      a.disabled_at is not null as account_disabled
    from users u join accounts a on a.id = u.account_id
    where lower(u.email) = lower(${email}) ${slug ? q`and a.slug = ${slug}` : q``}
    limit 2`;
}

export async function markSignedIn(q: Queryable, userId: string): Promise<void> {
  await q`update users set last_login_at = now() where id = ${userId}`;
}

/** The user a session is for, without the password hash (refresh reads it again). */
export async function findSessionUser(q: Queryable, userId: string) {
  const [user] = await q<Omit<LoginUser, 'password_hash'>[]>`
    select u.id, u.account_id, u.email, u.name, u.role, u.status, a.disabled_at is not null as account_disabled
    from users u join accounts a on a.id = u.account_id where u.id = ${userId}`;
  return user;
}

/** Role and status of a signed-in user, read on every call so a change takes effect at once. */
/**
 * What an access token may do now: the user's role and status, and whether its session (refresh-token
 * family) is still live; sign-out, a password change, disabling and refresh-token reuse end sessions.
 */
export async function findUserAccess(
  q: Queryable,
  accountId: string,
  userId: string,
  sessionId: string,
  now: Date,
) {
  const [user] = await q<{ role: Role; status: string; session_live: boolean; account_disabled: boolean }[]>`
    select u.role, u.status,
      (select a.disabled_at is not null from accounts a where a.id = u.account_id) as account_disabled,
      exists (
        select 1 from refresh_tokens r
        where r.family_id = ${sessionId} and r.user_id = u.id and r.status = 'active' and r.expires_at > ${now}
      ) as session_live
    from users u where u.id = ${userId} and u.account_id = ${accountId}`;
  return user;
}

/** The signed-in user and their account, as GET /auth/me shows them. */
export async function findMe(q: Queryable, accountId: string, userId: string) {
  const [[account], [user]] = await Promise.all([
    q<
      { id: string; slug: string; name: string }[]
    >`select id, slug, name from accounts where id = ${accountId}`,
    q`select id, account_id, email, name, role, status, last_login_at, created_at, updated_at
      from users where id = ${userId} and account_id = ${accountId}`,
  ]);
  return { account, user };
}

export async function insertRefreshToken(
  q: Queryable,
  t: { accountId: string; userId: string; familyId: string; digest: string; expiresAt: Date },
): Promise<void> {
  await q`
    insert into refresh_tokens (account_id, user_id, family_id, token_digest, expires_at)
    values (${t.accountId}, ${t.userId}, ${t.familyId}, ${t.digest}, ${t.expiresAt})`;
}

/** The refresh token with this digest, locked until the transaction ends (each token works once). */
export async function findRefreshTokenForUpdate(q: Queryable, digest: string) {
  const [row] = await q<RefreshTokenRow[]>`
    select id, family_id, status, expires_at, user_id, account_id from refresh_tokens where token_digest = ${digest} for update`;
  return row;
}

export async function markRefreshTokenRotated(q: Queryable, id: string): Promise<void> {
  await q`update refresh_tokens set status = 'rotated', used_at = now() where id = ${id}`;
}

/** Signs out every session of a family (a reused token means it leaked). */
export async function revokeRefreshFamily(q: Queryable, familyId: string): Promise<void> {
  await q`update refresh_tokens set status = 'revoked' where family_id = ${familyId} and status <> 'revoked'`;
}

/** Logout: revokes the family of the token with this digest; an unknown token changes nothing. */
export async function revokeFamilyOfToken(q: Queryable, digest: string): Promise<void> {
  await q`
    update refresh_tokens set status = 'revoked'
    where family_id = (select family_id from refresh_tokens where token_digest = ${digest})`;
}

/** Signs a user out everywhere (disabled, or password changed). */
export async function revokeUserSessions(q: Queryable, userId: string): Promise<void> {
  await q`update refresh_tokens set status = 'revoked' where user_id = ${userId} and status = 'active'`;
}

/** The API key whose secret has this digest. */
export async function findApiKeyByDigest(q: Queryable, digest: string): Promise<ApiKeyRow | undefined> {
  const [row] = await q<ApiKeyRow[]>`
    select k.id, k.account_id, k.role, k.expires_at, k.revoked_at, k.last_used_at,
      a.disabled_at is not null as account_disabled
    from api_keys k join accounts a on a.id = k.account_id
    where k.secret_digest = ${digest}`;
  return row;
}

export async function touchApiKey(q: Queryable, id: string, at: Date): Promise<void> {
  await q`update api_keys set last_used_at = ${at} where id = ${id}`;
}
