interface Entry {
  claims: Record<string, unknown>;
  kid: string;
  exp: number;
}

/**
 * Tokens whose signature already verified, keyed by the token itself (a map lookup hashes the string
 * far faster than a sha256 would; tokens over 16 KiB are refused before they get here). Ed25519
 * verification costs ~80 µs; an app validating the same token again skips it. Bounded, least recently
 * used first out. Expiry is still checked by the caller on every hit.
 */
export class VerifiedTokenCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly max = 20_000) {}

  get(token: string): Entry | undefined {
    const entry = this.entries.get(token);
    if (entry) {
      // Move to the back: Map iteration order is insertion order.
      this.entries.delete(token);
      this.entries.set(token, entry);
    }
    return entry;
  }

  set(token: string, entry: Entry): void {
    this.entries.delete(token);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
