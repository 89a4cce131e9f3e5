import type { ViolationType } from './schemas.js';

/** What staff can do about each kind of finding; an audit lists those of the types it found. */
const RECOMMENDATION: Record<ViolationType, string> = {
  over_deployment:
    'Ask the customer to buy seats for the devices in use or deactivate the surplus: a lowered limit keeps the seats already taken',
  seat_overage: 'Bill the seats used past the limit (a true-up), or raise the limit',
  expired_use:
    'Renew the license or contact the customer: their apps kept running after its expiry and grace',
  key_sharing:
    'Ask the customer how the key came to be used from so many places; regenerate the key if it leaked',
  clock_tamper: "Review the device's reports; block the device if its clock keeps being set back",
  integrity_failure:
    'A modified build or a forged token or license file is likely: block the device and review the license',
  suspicious_activity: "Review the device's reports and its activity in the event log",
};

/** One line per type found, in the order of the catalogue. */
export function recommendationsFor(types: Iterable<ViolationType>): string[] {
  const found = new Set(types);
  return (Object.keys(RECOMMENDATION) as ViolationType[])
    .filter((t) => found.has(t))
    .map((t) => RECOMMENDATION[t]);
}
