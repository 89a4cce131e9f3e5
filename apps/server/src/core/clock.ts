/** The injectable clock: domain rules and caches take `now` from here so expiry and TTLs are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
