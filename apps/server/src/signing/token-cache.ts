interface Entry {
  claims: Record<string, unknown>;
  kid: string;
  exp: number;
}

/** Characters of the signature a token is filed under; the whole token is compared on a hit. */
const KEY_CHARS = 64;

/**
 * Tokens whose signature already verified. Ed25519 verification costs ~80 µs; an app validating the
 * same token again skips it. Filed under the token's last 64 characters (signature bytes, distinct
 * per token): hashing the whole ~1.3 KB token for every lookup was a visible share of a validation.
 * A hit counts only when the stored token equals the one presented, character for character.
 * Bounded, least recently used first out. Expiry is still checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  private entries = new Map<string, Entry & { token: string }>();

  constructor(private readonly max = 20_000) {}

  get(token: string): Entry | undefined {
    const key = token.slice(-KEY_CHARS);
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token) return undefined;
    // Move to the back: Map iteration order is insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(token: string, entry: Entry): void {
    const key = token.slice(-KEY_CHARS);
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { ...entry, token });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
