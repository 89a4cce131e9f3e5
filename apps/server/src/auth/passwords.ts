import { hash, verify } from '@node-rs/argon2';

// argon2id at OWASP's recommended settings (19 MiB, t=2, p=1).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/**
 * The hash of a random password nobody knows, at the same settings: verified against when the email
 * is unknown, so the answer takes as long as for a real user and timing does not tell which emails exist.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$whGuUXMC1Ne+Eh2qWBWgVw$2+LYFQGUNN6eBGsdlyK4LApC3ANvioyDQpP4qXy9/HI';

export function dummyPasswordHash(): string {
  return DUMMY_HASH;
}
