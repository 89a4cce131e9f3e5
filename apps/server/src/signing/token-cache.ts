interface Entry {
  claims: Record<string, unknown>;
  kid: string;
  exp: number;
}

/**
 * Tokens whose signature already verified, keyed by the token itself (a map lookup hashes the string
 * far faster than a sha256 would). Ed25519 verification costs ~80 µs; an app validating the same
 * token again skips it. Bounded; oldest entries go first.
 */
export class VerifiedTokenCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly max = 20_000) {}

  static keyOf(token: string): string {
    return token;
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: Entry): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
  }

  clear(): void {
    this.entries.clear();
  }
}
