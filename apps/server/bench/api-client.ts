/** JSON calls to a Keyward server under test; a non-2xx answer throws with its body. */
export async function api(base: string, token: string | null, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The bench's staff user, created by every server it starts (ADMIN_EMAIL/ADMIN_PASSWORD). */
export const ADMIN = { email: 'bench@keyward.local', password: 'violet-harbor-engine-quietly-27' };

/** A fresh staff access token (they expire; long runs log in again per server). */
export async function login(base: string): Promise<string> {
  return (await api(base, null, 'POST', '/api/v1/auth/login', ADMIN)).access_token as string;
}

/** Keys of `count` new licenses created with `body` (plan, customer, limits), one after another. */
export async function createLicenseKeys(
  base: string,
  token: string,
  body: Record<string, unknown>,
  count: number,
): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push((await api(base, token, 'POST', '/api/v1/licenses', body)).key);
  return keys;
}
