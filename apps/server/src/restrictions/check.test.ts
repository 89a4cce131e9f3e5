import { describe, expect, it } from 'vitest';
import { checkRestrictions } from './check.js';

describe('checkRestrictions', () => {
  it('allows and denies IP ranges (v4 and v6, mapped v4)', () => {
    const r = [
      { type: 'ip_range' as const, values: ['10.0.0.0/8', '2001:db8::/32'], operator: 'allow' as const },
    ];
    expect(checkRestrictions(r, { ip: '10.1.2.3' })).toBeNull();
    expect(checkRestrictions(r, { ip: '::ffff:10.1.2.3' })).toBeNull();
    expect(checkRestrictions(r, { ip: '2001:db8::1' })).toBeNull();
    expect(checkRestrictions(r, { ip: '192.168.1.1' })?.type).toBe('ip_range');
  });
  it('checks countries, platforms case-insensitively, and refuses unknown facts on allow-lists', () => {
    const geo = [{ type: 'geographic' as const, values: ['US', 'CA'], operator: 'allow' as const }];
    expect(checkRestrictions(geo, { country: 'us' })).toBeNull();
    expect(checkRestrictions(geo, { country: 'FR' })?.reason).toMatch(/not allowed/);
    expect(checkRestrictions(geo, {})?.reason).toMatch(/could not be determined/);
    const deny = [{ type: 'platform' as const, values: ['linux'], operator: 'deny' as const }];
    expect(checkRestrictions(deny, { platform: 'Linux' })?.operator).toBe('deny');
    expect(checkRestrictions(deny, { platform: 'windows' })).toBeNull();
    expect(checkRestrictions(deny, {})).toBeNull();
  });
  it('compares app versions and hostname globs', () => {
    const v = [{ type: 'app_version' as const, values: ['>=1.2.0', '<2'], operator: 'allow' as const }];
    expect(checkRestrictions(v, { app_version: '1.10.3' })).toBeNull();
    expect(checkRestrictions(v, { app_version: '1.1.9' })).not.toBeNull();
    expect(checkRestrictions(v, { app_version: '2.0.0' })).not.toBeNull();
    const h = [{ type: 'hostname' as const, values: ['*.corp.example.com'], operator: 'allow' as const }];
    expect(checkRestrictions(h, { hostname: 'ws1.corp.example.com' })).toBeNull();
    expect(checkRestrictions(h, { hostname: 'evil.com' })).not.toBeNull();
  });
});
