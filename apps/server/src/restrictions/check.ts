import { BlockList, isIP } from 'node:net';

export interface Restriction {
  type: 'geographic' | 'ip_range' | 'domain' | 'hostname' | 'platform' | 'app_version';
  values: string[];
  operator: 'allow' | 'deny';
}

/** What is known about the caller when a restriction is checked. */
export interface RequestFacts {
  ip?: string | null | undefined;
  country?: string | null | undefined;
  platform?: string | null | undefined;
  app_version?: string | null | undefined;
  hostname?: string | null | undefined;
  domain?: string | null | undefined;
}

export interface RestrictionViolation {
  type: Restriction['type'];
  operator: Restriction['operator'];
  value: string | null;
  reason: string;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "1.2.0", ">=1.2", "<2", "1.4.x" */
function versionMatches(version: string, spec: string): boolean {
  const m = /^(>=|<=|>|<|=)?\s*(.+)$/.exec(spec.trim());
  if (!m) return false;
  const [, op = '=', target = ''] = m;
  if (target.includes('x') || target.includes('*')) {
    const prefix = target.replace(/[.]?[x*].*$/, '');
    return version === prefix || version.startsWith(`${prefix}.`);
  }
  const c = compareVersions(version, target);
  return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
}

function globMatches(value: string, pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return re.test(value.toLowerCase());
}

function ipMatches(ip: string, values: string[]): boolean {
  const list = new BlockList();
  const family = (addr: string) => (isIP(addr) === 6 ? 'ipv6' : 'ipv4');
  for (const v of values) {
    const [addr = '', bits] = v.split('/');
    if (!isIP(addr)) continue;
    if (bits !== undefined) list.addSubnet(addr, Number(bits), family(addr));
    else list.addAddress(addr, family(addr));
  }
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIP(plain) ? list.check(plain, family(plain)) : false;
}

function matches(r: Restriction, value: string): boolean {
  switch (r.type) {
    case 'ip_range':
      return ipMatches(value, r.values);
    case 'app_version':
      // allow: every spec must hold (">=1.2", "<2"); deny: any listed version/spec matches.
      return r.operator === 'allow'
        ? r.values.every((s) => versionMatches(value, s))
        : r.values.some((s) => versionMatches(value, s));
    case 'hostname':
    case 'domain':
      return r.values.some((p) => globMatches(value, p));
    default:
      return r.values.some((v) => v.toLowerCase() === value.toLowerCase());
  }
}

const FACT: Record<Restriction['type'], keyof RequestFacts> = {
  geographic: 'country',
  ip_range: 'ip',
  domain: 'domain',
  hostname: 'hostname',
  platform: 'platform',
  app_version: 'app_version',
};

/**
 * The first restriction the caller breaks, or null. An allow-list needs the fact to be known:
 * a caller whose country or version cannot be established does not pass an allow-list.
 */
export function checkRestrictions(
  restrictions: readonly Restriction[],
  facts: RequestFacts,
): RestrictionViolation | null {
  for (const r of restrictions) {
    if (r.values.length === 0) continue;
    const value = facts[FACT[r.type]] ?? null;
    if (value === null || value === '') {
      if (r.operator === 'allow')
        return {
          type: r.type,
          operator: r.operator,
          value,
          reason: `${r.type} is restricted and could not be determined`,
        };
      continue;
    }
    const hit = matches(r, value);
    if (r.operator === 'allow' && !hit)
      return {
        type: r.type,
        operator: r.operator,
        value,
        reason: `${r.type} "${value}" is not allowed by this license`,
      };
    if (r.operator === 'deny' && hit)
      return {
        type: r.type,
        operator: r.operator,
        value,
        reason: `${r.type} "${value}" is denied by this license`,
      };
  }
  return null;
}
