import { describe, expect, it } from 'vitest';
import { csvCell } from '../core/csv.js';
import { detectExpiredUse, type ExpiredUseRow } from './detectors/expired-use.js';
import { detectKeySharing, type SharingRow } from './detectors/key-sharing.js';
import { detectReported, type ReportRow } from './detectors/reports.js';
import { detectSeatViolations, type SeatRow } from './detectors/seats.js';
import { accountScore, customerStatus, score } from './score.js';

// The detectors and the score on plain rows: the edges the HTTP tests do not walk.

const seat = (over: Partial<SeatRow>): SeatRow => ({
  license_id: 'l1',
  customer_id: 'c1',
  license_type: 'subscription',
  license_model: 'per_device',
  policy: {},
  max_activations: 2,
  active_seats: 3,
  ...over,
});

describe('seat detectors', () => {
  it('over the ceiling is over-deployment; within the overage a low seat overage; site licenses count nothing', () => {
    expect(detectSeatViolations([seat({})])).toMatchObject([{ type: 'over_deployment', severity: 'high' }]);
    expect(detectSeatViolations([seat({ active_seats: 4 })])[0]!.severity).toBe('critical');
    expect(detectSeatViolations([seat({ policy: { overage: '1.5x' } })])).toMatchObject([
      { type: 'seat_overage', severity: 'low', evidence: { seat_ceiling: 3 } },
    ]);
    expect(detectSeatViolations([seat({ policy: { overage: '1.5x' }, active_seats: 4 })])[0]!.type).toBe(
      'over_deployment',
    );
    expect(detectSeatViolations([seat({ license_model: 'site' })])).toEqual([]);
    expect(detectSeatViolations([seat({ active_seats: 2 })])).toEqual([]);
  });
});

describe('use after expiry', () => {
  const row = (over: Partial<ExpiredUseRow>): ExpiredUseRow => ({
    license_id: 'l1',
    customer_id: null,
    license_type: 'subscription',
    license_model: 'per_device',
    policy: {},
    expires_at: new Date('2026-01-01T00:00:00Z'),
    grace_period_days: 7,
    calls: 4,
    accepted: 0,
    first_at: new Date('2026-01-09T00:00:00Z'),
    last_at: new Date('2026-01-10T00:00:00Z'),
    ips: ['1.2.3.4'],
    ...over,
  });
  it('refused calls are medium, accepted high; not where expiry does not stop the license', () => {
    expect(detectExpiredUse([row({})])).toMatchObject([
      { severity: 'medium', evidence: { grace_ended_at: '2026-01-08T00:00:00.000Z', refused: 4 } },
    ]);
    expect(detectExpiredUse([row({ accepted: 1 })])[0]!.severity).toBe('high');
    expect(detectExpiredUse([row({ policy: { expiration_strategy: 'allow_access' } })])).toEqual([]);
    // Perpetual licenses keep older builds working by design (maintain_access).
    expect(detectExpiredUse([row({ license_type: 'perpetual' })])).toEqual([]);
  });
});

describe('key sharing', () => {
  const row = (over: Partial<SharingRow>): SharingRow => ({
    license_id: 'l1',
    customer_id: null,
    window_start: new Date('2026-02-01T00:00:00Z'),
    window_hours: 24,
    max_countries: 3,
    max_ips: null,
    countries: ['DE', 'FR', 'US', 'BR'],
    ips: ['1.1.1.1'],
    country_count: 4,
    ip_count: 1,
    calls: 9,
    first_at: new Date('2026-02-01T01:00:00Z'),
    last_at: new Date('2026-02-01T02:00:00Z'),
    ...over,
  });
  it('over the allowance only; the window is the identity of the evidence', () => {
    const [f] = detectKeySharing([row({})]);
    expect(f).toMatchObject({
      severity: 'high',
      dedupeKey: 'key_sharing:l1:2026-02-01T00:00:00.000Z/24h',
      evidence: { window_end: '2026-02-02T00:00:00.000Z', countries: ['BR', 'DE', 'FR', 'US'] },
    });
    expect(detectKeySharing([row({ country_count: 3 })])).toEqual([]);
    expect(detectKeySharing([row({ max_countries: null })])).toEqual([]);
    expect(detectKeySharing([row({ country_count: 6 })])[0]!.severity).toBe('critical');
    expect(detectKeySharing([row({ max_countries: null, max_ips: 5, ip_count: 6 })])[0]!.summary).toBe(
      'One key used from 6 IP addresses (allowed 5) within 24 h',
    );
  });
});

describe("the apps' reports", () => {
  const row = (kind: string): ReportRow => ({
    license_id: 'l1',
    customer_id: null,
    activation_id: 'a1',
    device_id: 'd1',
    kind,
    day: '2026-02-01',
    reports: 1,
    first_at: new Date('2026-02-01T01:00:00Z'),
    last_at: new Date('2026-02-01T01:00:00Z'),
    event_ids: ['7'],
    details: null,
  });
  it('maps each kind to a type and severity; an emergency code is not a violation', () => {
    expect(
      detectReported(['clock_tamper', 'signature_failure', 'debugger_detected', 'other'].map(row)).map(
        (f) => [f.type, f.severity],
      ),
    ).toEqual([
      ['clock_tamper', 'medium'],
      ['integrity_failure', 'high'],
      ['suspicious_activity', 'medium'],
      ['suspicious_activity', 'low'],
    ]);
    expect(detectReported([row('emergency_code_used')])).toEqual([]);
  });
});

describe('score and status', () => {
  it('100 − weights, floored at 0; status by critical and score', () => {
    expect(score({ low: 1, medium: 1, high: 1, critical: 0 })).toBe(60);
    expect(score({ low: 0, medium: 0, high: 3, critical: 1 })).toBe(0);
    expect(customerStatus({ low: 0, medium: 0, high: 0, critical: 0 })).toBe('compliant');
    expect(customerStatus({ low: 1, medium: 0, high: 1, critical: 0 })).toBe('at_risk');
    expect(customerStatus({ low: 0, medium: 0, high: 0, critical: 1 })).toBe('non_compliant');
    expect(customerStatus({ low: 0, medium: 1, high: 2, critical: 0 })).toBe('non_compliant'); // 40
    expect(accountScore(4, [25, 150])).toBe(69); // (0 lost for two, 25 and 100) / 4 → 100 − 31.25
    expect(accountScore(0, [])).toBe(100);
  });
});

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b "c"')).toBe('"a,b ""c"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});
