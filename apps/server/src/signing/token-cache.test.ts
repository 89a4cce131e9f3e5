import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './token-cache.js';

const token = (i: number, head = 'h') => `${head}.payload.${String(i).padStart(80, 's')}`;
const entry = (i: number) => ({ claims: { n: i }, kid: 'k1', exp: 2_000_000_000 });

describe('the verified-token cache', () => {
  it('finds a token only when the whole token matches, not its filing key alone', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(token(1), entry(1));
    expect(cache.get(token(1))?.claims).toEqual({ n: 1 });
    // Same last 64 characters, another header: a different token.
    expect(cache.get(token(1, 'forged'))).toBeUndefined();
  });

  it('holds at most `max` tokens, keeps the ones in use and drops those unused for a generation', () => {
    const cache = new VerifiedTokenCache(10);
    for (let i = 0; i < 5; i++) cache.set(token(i), entry(i));
    // Token 0 is used while five more arrive: it moves to the young generation and stays.
    for (let i = 5; i < 10; i++) {
      cache.set(token(i), entry(i));
      expect(cache.get(token(0))).toBeDefined();
    }
    for (let i = 10; i < 15; i++) cache.set(token(i), entry(i));
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get(token(0))).toBeDefined();
    expect(cache.get(token(14))).toBeDefined();
    // Tokens 1–4 were never used again: gone after two generations.
    for (let i = 1; i < 5; i++) expect(cache.get(token(i))).toBeUndefined();
    for (let i = 0; i < 1000; i++) cache.set(token(100 + i), entry(i));
    expect(cache.size).toBeLessThanOrEqual(10);
  });

  it('forgets everything on clear (a signing key changed)', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set(token(1), entry(1));
    cache.clear();
    expect(cache.get(token(1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
