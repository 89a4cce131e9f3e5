import { createHash } from 'node:crypto';

interface Entry {
  claims: Record<string, unknown>;
  kid: string;
  exp: number;
}

/**
 * Tokens whose signature already verified, keyed by a digest of the token. Ed25519 verification
 * costs ~80 µs; an app validating the same token again skips it. Bounded; oldest entries go first.
 */
export class VerifiedTokenCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly max = 50_000) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
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
