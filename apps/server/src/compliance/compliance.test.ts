import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { activate, createCustomer, createPlan, issueLicense } from '../../test/support/fixtures.js';
import { createTestAccount, FixedClock, useServer } from '../../test/support/server.js';

// Compliance through the real API on a real database: the detectors (over-deployment after a lowered
// limit, seat overage, use after expiry, the apps' tampering reports), the customer's score and status,
// the actions from a violation through the modules that own them, status changes, audits and the report.

const clock = new FixedClock(new Date('2026-05-04T09:00:00Z'));
const world = useServer({ clock });

type Role = 'owner' | 'support' | 'read_only' | 'sales';
const api = async (method: string, path: string, body?: unknown, role: Role = 'owner') =>
  world.server.request(method, path, { token: await world.account.token(role), ...(body ? { body } : {}) });

type Found = 'over_deployment' | 'seat_overage' | 'expired_use' | 'clock_tamper' | 'integrity_failure';
// biome-ignore lint/suspicious/noExplicitAny: API bodies as the tests read them
type Body = Record<string, any>;

/** One customer with a license of each kind of trouble, and the violations an audit of them raised. */
const scene = {} as {
  customerId: string;
  overDeployed: string;
  overage: string;
  expired: string;
  tampered: string;
  tamperedKey: string;
  audit: Body;
  byType: Record<Found, Body>;
};

async function seats(key: string, n: number, prefix: string) {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await activate(world.server, key, `${prefix}-${i}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    tokens.push(res.body.signed_token);
  }
  return tokens;
}

beforeAll(async () => {
  const customer = await createCustomer(world.server, world.account, {
    first_name: 'Ada',
    last_name: 'Vance',
  });
  scene.customerId = customer.id;
  const plan = await createPlan(world.server, world.account, { max_activations: 3 });
  const issue = (body: Record<string, unknown> = {}) =>
    issueLicense(world.server, world.account, { plan_id: plan.id, customer_id: customer.id, ...body });

  // Three seats, then the limit lowered to two (a downgrade keeps the seats already taken).
  const overDeployed = await issue();
  await seats(overDeployed.key, 3, 'od');
  const lowered = await api('PATCH', `/api/v1/licenses/${overDeployed.id}`, { max_activations: 2 });
  expect(lowered.status, JSON.stringify(lowered.body)).toBe(200);
  // Three seats on two within a 2× overage: allowed, worth a true-up.
  const overage = await issue({ max_activations: 2, policy: { overage: '2x' } });
  await seats(overage.key, 3, 'ov');
  // Ends tomorrow without grace; its device keeps validating three days later.
  const expired = await issue({ expires_at: '2026-05-05T09:00:00Z', grace_period_days: 0 });
  const [token] = await seats(expired.key, 1, 'ex');
  // A device that reports its clock set back (three times) and a failed integrity check.
  const tampered = await issue();
  await seats(tampered.key, 1, 'tamper');
  for (const kind of ['clock_tamper', 'clock_tamper', 'clock_tamper', 'integrity_failure']) {
    const res = await world.server.request('POST', '/api/v1/licensing/report', {
      body: { license_key: tampered.key, device_id: 'tamper-0', kind, details: { skew_seconds: -86_400 } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
  // Raised on the report itself, one per kind and day however many reports.
  const reported = await api('GET', `/api/v1/compliance/violations?license_id=${tampered.id}`);
  expect(reported.body.data.map((v: Body) => v.type).sort()).toEqual(['clock_tamper', 'integrity_failure']);
  clock.set('2026-05-08T09:00:00Z');
  const late = await world.server.request('POST', '/api/v1/licensing/validate', {
    body: { token, device_id: 'ex-0' },
  });
  expect(late.body).toMatchObject({ valid: false, code: 'LICENSE_EXPIRED' });
  await world.server.parts.usage.flush();

  Object.assign(scene, {
    overDeployed: overDeployed.id,
    overage: overage.id,
    expired: expired.id,
    tampered: tampered.id,
    tamperedKey: tampered.key,
  });
  const audit = await api('POST', '/api/v1/compliance/audits', {
    scope: 'customer',
    customer_id: customer.id,
    notes: 'Quarterly review',
  });
  expect(audit.status, JSON.stringify(audit.body)).toBe(201);
  scene.audit = audit.body;
  const listed = await api('GET', `/api/v1/compliance/violations?customer_id=${customer.id}&limit=100`);
  scene.byType = Object.fromEntries(listed.body.data.map((v: Body) => [v.type, v])) as Record<Found, Body>;
});

describe('detectors', () => {
  it('raise one violation per finding, with its evidence', () => {
    expect(scene.audit).toMatchObject({
      scope: 'customer',
      customer_id: scene.customerId,
      trigger: 'on_demand',
      requested_by_type: 'user',
      notes: 'Quarterly review',
      summary: { findings: 5, raised: 3 }, // the reports were raised when they came
    });
    expect(Object.keys(scene.byType).sort()).toEqual([
      'clock_tamper',
      'expired_use',
      'integrity_failure',
      'over_deployment',
      'seat_overage',
    ]);
    expect(scene.byType.over_deployment).toMatchObject({
      severity: 'high',
      license_id: scene.overDeployed,
      evidence: { seats_in_use: 3, seat_limit: 2, seat_ceiling: 2, overage: 'none', over_limit_by: 1 },
    });
    expect(scene.byType.seat_overage).toMatchObject({
      severity: 'low',
      license_id: scene.overage,
      evidence: { seats_in_use: 3, seat_limit: 2, seat_ceiling: 4, overage: '2x' },
    });
    expect(scene.byType.expired_use).toMatchObject({
      severity: 'medium', // refused calls: the app is still being run
      license_id: scene.expired,
      evidence: { expired_at: '2026-05-05T09:00:00.000Z', calls: 1, accepted: 0, refused: 1 },
    });
    expect(scene.byType.clock_tamper).toMatchObject({
      severity: 'medium',
      license_id: scene.tampered,
      device_id: 'tamper-0',
      evidence: { kind: 'clock_tamper', reports: 3, details: { skew_seconds: -86_400 } },
    });
    expect(scene.byType.clock_tamper.activation_id).toBeTruthy();
    expect(scene.byType.clock_tamper.evidence.event_ids).toHaveLength(3);
    expect(scene.byType.integrity_failure).toMatchObject({ severity: 'high', device_id: 'tamper-0' });
    expect(scene.audit.recommendations).toHaveLength(5);
    // 100 − (25 + 5 + 10 + 10 + 25)
    expect(scene.audit.score).toBe(25);
  });

  it('a violation is one row and one event, however often it is found again', async () => {
    const again = await api('POST', '/api/v1/compliance/audits', { scope: 'account' });
    expect(again.status).toBe(201);
    expect(again.body.summary).toMatchObject({ findings: 5, raised: 0 });
    expect(again.body.findings.every((f: { raised: boolean }) => !f.raised)).toBe(true);
    const events = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from events where account_id = ${world.account.accountId}
        and type = 'compliance.violation_raised'`;
    expect(events[0]!.n).toBe(5);
    const one = await api('GET', `/api/v1/compliance/violations/${scene.byType.clock_tamper.id}`);
    expect(one.body).toEqual(scene.byType.clock_tamper);
  });

  it('lists with the house filters and pagination', async () => {
    const high = await api('GET', '/api/v1/compliance/violations?severity=high&sort=type');
    expect(high.body.data.map((v: { type: string }) => v.type)).toEqual([
      'integrity_failure',
      'over_deployment',
    ]);
    const page = await api('GET', '/api/v1/compliance/violations?limit=2&sort=-severity');
    expect(page.body.pagination).toEqual({ limit: 2, offset: 0, has_more: true });
    expect(page.body.data.map((v: { severity: string }) => v.severity)).toEqual(['high', 'high']);
    const byLicense = await api(
      'GET',
      `/api/v1/compliance/violations?license_id=${scene.tampered}&type=clock_tamper`,
    );
    expect(byLicense.body.data).toHaveLength(1);
    const search = await api('GET', '/api/v1/compliance/violations?q=tamper-0');
    expect(search.body.data).toHaveLength(2);
    const bad = await api('GET', '/api/v1/compliance/violations?severity=severe');
    expect(bad.status).toBe(422);
  });
});

describe('scores and status', () => {
  it("a customer's score, status, licenses and last audit; a license's score; the overview", async () => {
    const res = await api('GET', `/api/v1/compliance/customers/${scene.customerId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Ada Vance',
      score: 25,
      status: 'non_compliant',
      open_by_severity: { low: 1, medium: 2, high: 2, critical: 0 },
      open_violations: 5,
      closed_violations: 0,
    });
    expect(res.body.last_audit).toMatchObject({ score: expect.any(Number) });
    const byLicense = Object.fromEntries(
      res.body.licenses.map((l: { license_id: string; score: number }) => [l.license_id, l.score]),
    );
    expect(byLicense).toEqual({
      [scene.overDeployed]: 75,
      [scene.overage]: 95,
      [scene.expired]: 90,
      [scene.tampered]: 65,
    });
    const license = await api('GET', `/api/v1/compliance/licenses/${scene.tampered}`);
    expect(license.body).toMatchObject({
      score: 65,
      open_violations: 2,
      open_by_severity: { medium: 1, high: 1 },
    });
    const overview = await api('GET', '/api/v1/compliance/overview');
    expect(overview.body).toMatchObject({
      open_by_severity: { low: 1, medium: 2, high: 2, critical: 0 },
      open_by_type: { over_deployment: 1, clock_tamper: 1 },
      customers: { non_compliant: 1, at_risk: 0 },
      last_scan: null,
    });
    const customers = await api('GET', '/api/v1/compliance/customers');
    expect(customers.body.data).toEqual([
      expect.objectContaining({ customer_id: scene.customerId, score: 25, status: 'non_compliant' }),
    ]);
    const missing = await api('GET', `/api/v1/compliance/customers/${randomUUID()}`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('status changes', () => {
  it('acknowledge, resolve, dismiss and reopen, with who, when and why; wrong moves are 409', async () => {
    const v = scene.byType.seat_overage;
    const path = `/api/v1/compliance/violations/${v.id}`;
    const ack = await api(
      'PATCH',
      path,
      { status: 'acknowledged', note: 'Asked sales for a true-up' },
      'support',
    );
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledged_at: clock.now().toISOString() });
    const same = await api('PATCH', path, { status: 'acknowledged' });
    expect([same.status, same.body.error.code]).toEqual([409, 'INVALID_STATE_TRANSITION']);
    expect(same.body.error.message).toBe('The violation is already acknowledged');
    const dismissed = await api('PATCH', path, { status: 'false_positive', note: 'Seats were a test rig' });
    expect(dismissed.body).toMatchObject({ status: 'false_positive', status_note: 'Seats were a test rig' });
    const wrong = await api('PATCH', path, { status: 'acknowledged' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.details).toMatchObject({ from: 'false_positive', allowed: ['open'] });
    const reopened = await api('PATCH', path, { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', resolved_at: null, acknowledged_at: null });
    const readOnly = await api('PATCH', path, { status: 'resolved' }, 'read_only');
    expect(readOnly.status).toBe(403);
    const badStatus = await api('PATCH', path, { status: 'closed' });
    expect([badStatus.status, badStatus.body.error.code]).toEqual([422, 'INVALID_FIELD']);
    const unknown = await api('PATCH', `/api/v1/compliance/violations/${randomUUID()}`, {
      status: 'resolved',
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const events = await world.server.ctx.db.sql<{ type: string }[]>`
      select type from events where account_id = ${world.account.accountId} and subject_id = ${v.id} order by id`;
    expect(events.map((e) => e.type)).toEqual([
      'compliance.violation_raised',
      'compliance.violation_acknowledged',
      'compliance.violation_resolved',
      'compliance.violation_reopened',
    ]);
  });
});

describe('actions from a violation', () => {
  it("blocks the reporting device through its seat; a license's violation has no device to block", async () => {
    const v = scene.byType.clock_tamper;
    const blocked = await api(
      'POST',
      `/api/v1/compliance/violations/${v.id}/block-device`,
      { reason: 'Clock rollbacks' },
      'support',
    );
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    expect(blocked.body).toMatchObject({ action: 'block_device', activation_id: v.activation_id });
    const seat = await api('GET', `/api/v1/activations/${v.activation_id}`);
    expect(seat.body.status).toBe('blocked');
    const again = await activate(world.server, scene.tamperedKey, 'tamper-0');
    expect([again.status, again.body.error?.code]).toEqual([403, 'DEVICE_BLOCKED']);
    const noDevice = await api(
      'POST',
      `/api/v1/compliance/violations/${scene.byType.over_deployment.id}/block-device`,
    );
    expect([noDevice.status, noDevice.body.error.code]).toEqual([409, 'CONFLICT']);
  });

  it('suspends the license through the licenses module; support may not', async () => {
    const path = `/api/v1/compliance/violations/${scene.byType.over_deployment.id}/suspend-license`;
    const support = await api('POST', path, {}, 'support');
    expect([support.status, support.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const done = await api('POST', path, { reason: 'Over-deployed after the downgrade' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ action: 'suspend_license', license_id: scene.overDeployed });
    const license = await api('GET', `/api/v1/licenses/${scene.overDeployed}`);
    expect(license.body.status).toBe('suspended');
    expect(license.body.status_reason).toContain(scene.byType.over_deployment.id);
    const twice = await api('POST', path);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'INVALID_STATE_TRANSITION']);
  });

  it('emails the customer a notice, with its event', async () => {
    const v = scene.byType.expired_use;
    const res = await api('POST', `/api/v1/compliance/violations/${v.id}/notify-customer`, {
      message: 'Your license ended on 5 May; please renew.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [email] = await world.server.ctx.db.sql<{ template: string; to_address: string; data: Body }[]>`
      select template, to_address, data from emails where id = ${res.body.email_id}`;
    expect(email).toMatchObject({
      template: 'compliance.customer_notified',
      data: { violation_id: v.id, message: 'Your license ended on 5 May; please renew.' },
    });
    const preview = await api('GET', `/api/v1/emails/${res.body.email_id}`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(JSON.stringify(preview.body)).toContain('please renew');
    const [event] = await world.server.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from events where subject_id = ${v.id} and type = 'compliance.customer_notified'`;
    expect(event!.n).toBe(1);
  });
});

describe('audits and the report', () => {
  it('says what is wrong with a scope', async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ scope: 'customer' }, 422, 'MISSING_FIELD', '/body/customer_id'],
      [{ scope: 'account', license_id: scene.tampered }, 422, 'INVALID_FIELD', '/body/license_id'],
      [{ scope: 'license', license_id: randomUUID() }, 404, 'NOT_FOUND', '/body/license_id'],
      [{ scope: 'customer', customer_id: randomUUID() }, 404, 'NOT_FOUND', '/body/customer_id'],
    ];
    for (const [body, status, code, pointer] of cases) {
      const res = await api('POST', '/api/v1/compliance/audits', body);
      expect(
        [res.status, res.body.error.code, res.body.error.details?.pointer],
        JSON.stringify(body),
      ).toEqual([status, code, pointer]);
    }
  });

  it('lists and shows audits; the daily scan is scheduled', async () => {
    const jobs = world.server.parts.jobs;
    const id = await jobs.enqueue('compliance-scan', { account_id: world.account.accountId });
    const run = await jobs.waitFor('compliance-scan', id!);
    expect(run.state, JSON.stringify(run.output)).toBe('completed');
    const scheduled = await api('GET', '/api/v1/compliance/audits?trigger=scheduled');
    expect(scheduled.body.data).toHaveLength(1);
    expect(scheduled.body.data[0]).toMatchObject({
      scope: 'account',
      requested_by_type: 'system',
      summary: { raised: 0 },
    });
    const mine = await api('GET', `/api/v1/compliance/audits?customer_id=${scene.customerId}`);
    expect(mine.body.data.map((a: { id: string }) => a.id)).toEqual([scene.audit.id]);
    const one = await api('GET', `/api/v1/compliance/audits/${scene.audit.id}`);
    expect(one.body).toEqual(scene.audit);
    const overview = await api('GET', '/api/v1/compliance/overview');
    expect(overview.body.last_scan).toMatchObject({ id: scheduled.body.data[0].id, raised: 0 });
  });

  it("exports a customer's report as CSV", async () => {
    const res = await world.server.request(
      'GET',
      `/api/v1/compliance/customers/${scene.customerId}/report.csv`,
      {
        token: await world.account.token('read_only'),
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const lines = (res.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'customer_id,customer_email,customer_name,compliance_score,compliance_status,generated_at',
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${scene.customerId},[^,]+,Ada Vance,\\d+,(compliant|at_risk|non_compliant),`),
    );
    expect(lines[2]).toBe('');
    expect(lines[3]!.startsWith('violation_id,detected_at,type,severity,status')).toBe(true);
    expect(lines.slice(4)).toHaveLength(5);
    expect(lines.slice(4).join('\n')).toContain('clock_tamper');
  });

  it("exports a customer's report as PDF, account-scoped, with the CSV's content and the audits", async () => {
    const get = async (token: string, id = scene.customerId) =>
      fetch(`${world.server.url}/api/v1/compliance/customers/${id}/report.pdf`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const res = await get(await world.account.token('read_only'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="compliance-${scene.customerId}.pdf"`,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(bytes);
    const customer = await api('GET', `/api/v1/compliance/customers/${scene.customerId}`);
    expect(text).toContain(customer.body.email);
    expect(text).toContain('Ada Vance');
    expect(text).toContain(`Compliance score: \n${customer.body.score} / 100`);
    for (const type of ['clock tamper', 'integrity failure', 'over deployment', 'expired use'])
      expect(text).toContain(type);
    expect(text).toContain('Evidence:');
    expect(text).toContain(`score ${scene.audit.score}`); // the customer's audit
    // Another account's staff gets 404, not the report.
    const other = await createTestAccount(world.server);
    expect((await get(await other.token('owner'))).status).toBe(404);
    expect((await get(await world.account.token('read_only'), randomUUID())).status).toBe(404);
  });
});

/**
 * The text a PDF shows, from its uncompressed content streams: the strings of each TJ/Tj, hex or
 * literal, joined per operator (pdfkit splits words at kerning pairs), one operator per line.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const op of raw.matchAll(/\[((?:<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)|\s|-?[\d.]+)*)\]\s*TJ/g)) {
    let line = '';
    for (const part of op[1]!.matchAll(/<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\)/g)) {
      line += part[1] !== undefined ? Buffer.from(part[1], 'hex').toString('latin1') : part[2]!;
    }
    lines.push(line);
  }
  return lines.join('\n');
}
