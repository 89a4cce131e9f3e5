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

/**
 * The validation benches' seat: the demo catalogue, a license without a seat limit on the enterprise
 * plan and one activated device (`<label>-device`); `validateBody` validates it.
 */
export async function benchSeat(base: string, label: string) {
  const token = await login(base);
  await api(base, token, 'POST', '/api/v1/demo-data', {}); // new accounts start with no plans
  const plans = await api(base, token, 'GET', '/api/v1/plans?limit=100');
  const plan = plans.data.find((p: { code: string }) => p.code === 'enterprise') ?? plans.data[0];
  const customer = await api(base, token, 'POST', '/api/v1/customers', { email: `${label}@example.com` });
  const license = await api(base, token, 'POST', '/api/v1/licenses', {
    plan_id: plan.id,
    customer_id: customer.id,
    max_activations: null,
  });
  const seat = await api(base, null, 'POST', '/api/v1/licensing/activate', {
    license_key: license.key,
    device_fingerprint: `${label}-fp`,
    device_info: { device_id: `${label}-device`, platform: 'linux', app_version: '1.0.0' },
  });
  const validateBody = { token: seat.signed_token as string, device_id: `${label}-device` };
  return { token, plan, customer, license, validateBody };
}
