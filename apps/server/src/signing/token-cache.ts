interface Entry {
  claims: Record<string, unknown>;
  kid: string;
  exp: number;
}

/** Characters of the signature a token is filed under; the whole token is compared on a hit. */
const KEY_CHARS = 64;

type Stored = Entry & { token: string };

/**
 * Tokens whose signature already verified. Ed25519 verification costs ~80 µs; an app validating the
 * same token again skips it. Filed under the token's last 64 characters (signature bytes, distinct
 * per token): hashing the whole ~1.3 KB token for every lookup was a visible share of a validation.
 * A hit counts only when the stored token equals the one presented, character for character.
 * Expiry is still checked by the caller on every hit.
 *
 * Bounded to `max` tokens in two generations: new and recently used tokens go to the young one; when it
 * is full it becomes the old one and the old one is dropped, so a token unused for a whole generation
 * goes out. A hit in the young generation changes nothing: moving each hit to the back of one Map (a
 * delete and a set per validation) cost ~2.7 µs of a validation's CPU (performance.md, issue H
 * 2026-12-06).
 */
export class VerifiedTokenCache {
  private young = new Map<string, Stored>();
  private old = new Map<string, Stored>();

  constructor(private readonly max = 20_000) {}

  get(token: string): Entry | undefined {
    const key = token.slice(-KEY_CHARS);
    const hit = this.young.get(key);
    if (hit) return hit.token === token ? hit : undefined;
    const aging = this.old.get(key);
    if (!aging || aging.token !== token) return undefined;
    this.old.delete(key);
    this.keep(key, aging);
    return aging;
  }

  set(token: string, entry: Entry): void {
    const key = token.slice(-KEY_CHARS);
    this.old.delete(key);
    this.keep(key, { ...entry, token });
  }

  private keep(key: string, entry: Stored): void {
    if (this.young.size >= Math.ceil(this.max / 2) && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, entry);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
