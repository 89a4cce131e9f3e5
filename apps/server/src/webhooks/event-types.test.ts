import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './event-types.js';

// The webhook catalogue must name every event type the code records, and nothing it does not: read from
// the source, every quoted `<subject>.<what>` of a subject the log knows.
const SERVER = fileURLToPath(new URL('../../', import.meta.url));
/** Quoted names of that shape that are not audit events: bus topics, WebSocket pushes, an email template. */
const NOT_EVENTS = new Set([
  'license.changed',
  'license.limit_exceeded',
  'license.feature_disabled',
  'customer.sign_in',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|sql)$/.test(name) && !name.endsWith('.test.ts') && name !== 'event-types.ts' ? [full] : [];
  });
}

describe('the webhook event catalogue', () => {
  it('lists every event type the code records, and only those', () => {
    const subjects = [...new Set(Object.keys(EVENT_TYPES).map((t) => t.split('.')[0]))].join('|');
    const pattern = new RegExp(`['\`"]((?:${subjects})\\.[a-z_]+)['\`"]`, 'g');
    const found = new Set<string>();
    for (const file of [
      ...sourceFiles(path.join(SERVER, 'src')),
      ...sourceFiles(path.join(SERVER, 'migrations')),
    ])
      for (const m of readFileSync(file, 'utf8').matchAll(pattern))
        if (!NOT_EVENTS.has(m[1]!)) found.add(m[1]!);
    expect(
      [...found].filter((t) => !(t in EVENT_TYPES)),
      'recorded but not in the catalogue',
    ).toEqual([]);
    expect(
      Object.keys(EVENT_TYPES).filter((t) => !found.has(t)),
      'in the catalogue but never recorded',
    ).toEqual([]);
  });
});
