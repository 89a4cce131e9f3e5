import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { digestSecret } from '../../src/crypto/master-key.js';
import type { TestAccount, TestServer } from './server.js';

/** A metered feature for quota tests: 50 exports per hour. */
export const EXPORTS_QUOTA = {
  feature_id: 'exports',
  name: 'Exports',
  enabled: true,
  limit_value: 50,
  limit_type: 'count',
  period: 'hour',
};

/** Creates a plan through the admin API. */
export async function createPlan(
  server: TestServer,
  account: TestAccount,
  overrides: Record<string, unknown> = {},
) {
  const res = await server.request('POST', '/api/v1/plans', {
    token: await account.token('owner'),
    body: {
      code: `plan-${randomUUID().slice(0, 8)}`,
      name: 'Professional',
      rank: 2,
      license_type: 'subscription',
      license_model: 'per_device',
      duration_days: 365,
      max_activations: 3,
      grace_period_days: 7,
      features: [
        { feature_id: 'advanced_reporting', name: 'Advanced reporting', enabled: true },
        {
          feature_id: 'api_access',
          name: 'API access',
          enabled: true,
          limit_value: 1000,
          limit_type: 'count',
          period: 'hour',
        },
        { feature_id: 'sso', name: 'SSO', enabled: false },
      ],
      limits: { max_users: 10, max_api_requests_per_hour: 1000 },
      price_monthly_cents: 4900,
      price_yearly_cents: 49000,
      trial_allowed: true,
      trial_days: 14,
      ...overrides,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; code: string };
}

export async function createCustomer(
  server: TestServer,
  account: TestAccount,
  overrides: Record<string, unknown> = {},
) {
  const res = await server.request('POST', '/api/v1/customers', {
    token: await account.token('owner'),
    body: { email: `c-${randomUUID().slice(0, 8)}@example.com`, company_name: 'Acme', ...overrides },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; email: string };
}

/** Issues a license (plan and customer created when not given); returns the license with its full key. */
export async function issueLicense(
  server: TestServer,
  account: TestAccount,
  body: Record<string, unknown> = {},
  planOverrides: Record<string, unknown> = {},
) {
  const planId =
    (body.plan_id as string | undefined) ?? (await createPlan(server, account, planOverrides)).id;
  const customerId = (body.customer_id as string | undefined) ?? (await createCustomer(server, account)).id;
  const res = await server.request('POST', '/api/v1/licenses', {
    token: await account.token('owner'),
    body: { plan_id: planId, customer_id: customerId, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    key: string;
    customer_id: string;
    plan_id: string;
    status: string;
    expires_at: string | null;
    plan_code: string;
  };
}

/** Activates a device through the client API, exactly as the seed 000 desktop client does. */
export function activate(
  server: TestServer,
  key: string,
  deviceId: string,
  extra: Record<string, unknown> = {},
) {
  return server.request('POST', '/api/v1/licensing/activate', {
    body: {
      license_key: key,
      device_fingerprint: `fp-${deviceId}`,
      device_info: { device_id: deviceId, platform: 'mac', app_version: '1.0.0' },
      ...extra,
    },
  });
}

/** A new API key of `role` in the account; returns its secret. */
export async function createApiKeySecret(
  server: TestServer,
  account: TestAccount,
  role: string,
): Promise<string> {
  const res = await server.request('POST', '/api/v1/api-keys', {
    token: await account.token('owner'),
    body: { name: `test-${role}`, role },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.secret;
}

/**
 * A portal session for a customer, by a sign-in link written as `requestSignIn` writes one (for tests
 * without an SMTP server to read the emailed link from), traded through the real confirm route.
 */
export async function customerSession(server: TestServer, accountId: string, customerId: string) {
  const token = `kwc_${randomUUID()}`;
  await server.ctx.db.sql`
    insert into customer_links (account_id, customer_id, token_digest, expires_at)
    values (${accountId}, ${customerId}, ${digestSecret(server.ctx.keyring, token)}, now() + interval '15 minutes')`;
  const res = await server.request('POST', '/api/v1/portal/sign-in/confirm', { body: { token } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token as string;
}
