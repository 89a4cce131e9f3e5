import { EVIDENCE_LIST_MAX, type Finding, iso } from './finding.js';

/**
 * One license's client calls in one window of its policy, with its allowances (the repository reads
 * only windows over an allowance; the allowances default to the policy's SHARING_DEFAULTS).
 */
export interface SharingRow {
  license_id: string;
  customer_id: string | null;
  window_start: Date;
  window_hours: number;
  max_countries: number | null;
  max_ips: number | null;
  countries: string[] | null;
  ips: string[] | null;
  country_count: number;
  ip_count: number;
  calls: number;
  first_at: Date;
  last_at: Date;
}

/**
 * Key sharing: one key used from more distinct countries (or IP addresses) within one window than its
 * policy allows. Windows are fixed (aligned to the epoch, UTC), so the evidence of a window is one
 * violation however many calls, places or scans there are; a later window over the allowance is new
 * evidence and may raise a new one.
 */
export function detectKeySharing(rows: readonly SharingRow[]): Finding[] {
  return rows.flatMap((r): Finding[] => {
    const countriesOver = r.max_countries !== null && r.country_count > r.max_countries;
    const ipsOver = r.max_ips !== null && r.ip_count > r.max_ips;
    if (!countriesOver && !ipsOver) return [];
    const windowEnd = new Date(r.window_start.getTime() + r.window_hours * 3_600_000);
    const what = [
      countriesOver ? `${r.country_count} countries (allowed ${r.max_countries})` : null,
      ipsOver ? `${r.ip_count} IP addresses (allowed ${r.max_ips})` : null,
    ].filter(Boolean);
    return [
      {
        type: 'key_sharing',
        // Twice the allowance or more is not one traveller.
        severity:
          (countriesOver && r.country_count >= 2 * r.max_countries!) ||
          (ipsOver && r.ip_count >= 2 * r.max_ips!)
            ? 'critical'
            : 'high',
        dedupeKey: `key_sharing:${r.license_id}:${iso(r.window_start)}/${r.window_hours}h`,
        licenseId: r.license_id,
        customerId: r.customer_id,
        activationId: null,
        deviceId: null,
        summary: `One key used from ${what.join(' and ')} within ${r.window_hours} h`,
        evidence: {
          window_start: iso(r.window_start),
          window_end: iso(windowEnd),
          window_hours: r.window_hours,
          countries: [...(r.countries ?? [])].sort(),
          country_count: r.country_count,
          allowed_countries: r.max_countries,
          ips: (r.ips ?? []).slice(0, EVIDENCE_LIST_MAX),
          ip_count: r.ip_count,
          allowed_ips: r.max_ips,
          calls: r.calls,
          first_at: iso(r.first_at),
          last_at: iso(r.last_at),
        },
      },
    ];
  });
}
