import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPlan, issueLicense } from '../../test/support/fixtures.js';
import { FixedClock, useServer } from '../../test/support/server.js';

// Issue M's must-hold: a key validated from 12 countries in an hour under a policy allowing 3 raises one
// key-sharing violation, not twelve; resolving it stops re-raising for the same evidence; a later window
// over the allowance is new evidence. Countries come from a trusted proxy's header, as in production
// (TRUST_PROXY, read when the request facts module loads: set before anything is imported).
vi.hoisted(() => {
  process.env.TRUST_PROXY = 'true';
});
afterAll(() => {
  delete process.env.TRUST_PROXY;
});

const clock = new FixedClock(new Date('2026-03-10T10:00:00Z'));
const world = useServer({ clock });
const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP', 'IN', 'NG', 'AU', 'CA', 'MX', 'ZA', 'KR'];

const owner = () => world.account.token('owner');
const api = async (method: string, path: string, body?: unknown) =>
  world.server.request(method, path, { token: await owner(), ...(body ? { body } : {}) });

/** validate-key from a country (the proxy's header) and an address of its own, as the app does. */
async function validateFrom(key: string, country: string, ip: string) {
  const res = await world.server.request('POST', '/api/v1/licensing/validate-key', {
    body: { license_key: key },
    headers: { 'cf-ipcountry': country, 'x-forwarded-for': ip },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.valid).toBe(true);
}

async function audit(licenseId: string) {
  await world.server.parts.usage.flush();
  const res = await api('POST', '/api/v1/compliance/audits', { scope: 'license', license_id: licenseId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const sharingOf = async (licenseId: string) =>
  (await api('GET', `/api/v1/compliance/violations?license_id=${licenseId}&type=key_sharing`)).body.data;

const raisedEvents = async (licenseId: string) =>
  (
    await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from events where account_id = ${world.account.accountId}
        and type = 'compliance.violation_raised' and data->>'license_id' = ${licenseId}`
  )[0]!.n;

describe('key sharing', () => {
  it('12 countries in an hour under a policy allowing 3: one violation; resolved, it is not raised again', async () => {
    const plan = await createPlan(world.server, world.account, { policy: { sharing_max_countries: 3 } });
    const license = await issueLicense(world.server, world.account, { plan_id: plan.id });
    for (const [i, country] of COUNTRIES.entries()) {
      clock.set(new Date(Date.parse('2026-03-10T10:00:00Z') + i * 4 * 60_000)); // 10:00 … 10:44
      await validateFrom(license.key, country, `203.0.113.${i + 1}`);
      // Each validated twice: repeats are the same evidence, not more of it.
      await validateFrom(license.key, country, `203.0.113.${i + 1}`);
    }

    const first = await audit(license.id);
    expect(first.summary).toMatchObject({ findings: 1, raised: 1, by_type: { key_sharing: 1 } });
    const [violation] = await sharingOf(license.id);
    expect(violation).toMatchObject({
      type: 'key_sharing',
      severity: 'critical', // 12 ≥ twice the 3 allowed
      status: 'open',
      license_id: license.id,
      customer_id: license.customer_id,
      evidence: {
        window_start: '2026-03-10T00:00:00.000Z',
        window_hours: 24,
        country_count: 12,
        allowed_countries: 3,
        ip_count: 12,
        allowed_ips: null,
        calls: 24,
        countries: [...COUNTRIES].sort(),
      },
    });
    expect(violation.summary).toContain('12 countries (allowed 3)');
    expect(first.findings).toEqual([expect.objectContaining({ violation_id: violation.id, raised: true })]);
    expect(first.score).toBe(60); // 100 − 40 (one critical)

    // The daily scan and another audit find the same evidence: nothing new.
    const jobs = world.server.parts.jobs;
    const id = await jobs.enqueue('compliance-scan', { account_id: world.account.accountId });
    const run = await jobs.waitFor('compliance-scan', id!);
    expect(run.state, JSON.stringify(run.output)).toBe('completed');
    expect(run.output).toMatchObject({ accounts: 1, findings: 1, raised: 0 });
    expect((await audit(license.id)).summary).toMatchObject({ findings: 1, raised: 0 });
    expect(await sharingOf(license.id)).toHaveLength(1);
    expect(await raisedEvents(license.id)).toBe(1);

    // Resolved, with who, when and why; more calls in the same window add to the same evidence.
    const resolved = await api('PATCH', `/api/v1/compliance/violations/${violation.id}`, {
      status: 'resolved',
      note: 'Customer confirmed a travelling sales team; bought a site license',
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      status_note: 'Customer confirmed a travelling sales team; bought a site license',
      resolved_at: clock.now().toISOString(),
    });
    expect(resolved.body.status_changed_by).toBeTruthy();
    clock.set('2026-03-10T11:30:00Z');
    await validateFrom(license.key, 'SE', '198.51.100.7');
    const again = await audit(license.id);
    expect(again.summary).toMatchObject({ findings: 1, raised: 0 });
    expect(again.findings[0]).toMatchObject({
      violation_id: violation.id,
      status: 'resolved',
      raised: false,
    });
    expect(again.recommendations).toEqual([]);
    expect(again.score).toBe(100);
    expect(await sharingOf(license.id)).toHaveLength(1);
    expect(await raisedEvents(license.id)).toBe(1);
    const events = await world.server.ctx.db.sql<{ type: string; data: Record<string, unknown> }[]>`
      select type, data from events where account_id = ${world.account.accountId} and subject_id = ${violation.id}
      order by id`;
    expect(events.map((e) => e.type)).toEqual([
      'compliance.violation_raised',
      'compliance.violation_resolved',
    ]);
    expect(events[1]!.data).toMatchObject({ from_status: 'open', to_status: 'resolved' });

    // Two days later, four countries in a new window: new evidence, a new violation.
    for (const [i, country] of ['PL', 'IT', 'ES', 'PT'].entries()) {
      clock.set(new Date(Date.parse('2026-03-12T08:00:00Z') + i * 60_000));
      await validateFrom(license.key, country, `192.0.2.${i + 1}`);
    }
    const later = await audit(license.id);
    expect(later.summary).toMatchObject({ raised: 1 });
    const both = await sharingOf(license.id);
    expect(both).toHaveLength(2);
    expect(both[0]).toMatchObject({
      status: 'open',
      severity: 'high',
      evidence: { window_start: '2026-03-12T00:00:00.000Z', country_count: 4 },
    });
    expect(await raisedEvents(license.id)).toBe(2);
  });

  it('within the allowance, or with the check turned off, raises nothing', async () => {
    clock.set('2026-03-20T09:00:00Z');
    const plan = await createPlan(world.server, world.account, { policy: { sharing_max_countries: 3 } });
    const within = await issueLicense(world.server, world.account, { plan_id: plan.id });
    const unchecked = await issueLicense(world.server, world.account, {
      plan_id: plan.id,
      policy: { sharing_max_countries: null },
    });
    for (const [i, country] of ['DE', 'FR', 'US'].entries())
      await validateFrom(within.key, country, `10.0.0.${i}`);
    for (const [i, country] of COUNTRIES.entries()) await validateFrom(unchecked.key, country, `10.0.1.${i}`);
    expect((await audit(within.id)).summary).toMatchObject({ findings: 0, raised: 0 });
    expect((await audit(unchecked.id)).summary).toMatchObject({ findings: 0, raised: 0 });
  });

  it('counts IP addresses when the policy allows only so many', async () => {
    clock.set('2026-03-21T09:00:00Z');
    const license = await issueLicense(world.server, world.account, {}, { policy: { sharing_max_ips: 2 } });
    for (let i = 0; i < 3; i++) await validateFrom(license.key, 'DE', `10.9.0.${i}`);
    await audit(license.id);
    const [v] = await sharingOf(license.id);
    expect(v).toMatchObject({
      severity: 'high',
      evidence: { ip_count: 3, allowed_ips: 2, country_count: 1 },
    });
    expect(v.summary).toContain('3 IP addresses (allowed 2)');
  });
});
