/**
 * Dates, numbers and money for people, in the browser's locale (Intl). The API speaks ISO-8601 UTC and
 * integer minor units (`*_cents`); everything shown on screen goes through these helpers.
 */

const locale: string | undefined = typeof navigator === 'undefined' ? undefined : navigator.language;
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let formatter = cache.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "Mar 4, 2026". Empty input gives "—". */
export function formatDate(value: string | number | Date | null | undefined): string {
  const date = value == null ? null : toDate(value);
  if (!date) return '—';
  return cached('date', () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(date);
}

/** "Mar 4, 2026, 3:07 PM" in the viewer's time zone. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  const date = value == null ? null : toDate(value);
  if (!date) return '—';
  return cached(
    'datetime',
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(date);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "in 2 days", "now". */
export function formatRelative(value: string | number | Date | null | undefined, now = Date.now()): string {
  const date = value == null ? null : toDate(value);
  if (!date) return '—';
  const seconds = Math.round((date.getTime() - now) / 1000);
  const rtf = cached('relative', () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}

function currencyFormat(currency: string, whole: boolean): Intl.NumberFormat {
  const code = currency.toUpperCase();
  return cached(
    `money:${code}:${whole}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}),
      }),
  );
}

/**
 * Money from integer minor units: `formatMoney(4900, 'usd')` → "$49.00", `formatMoney(500, 'JPY')` → "¥500".
 * `whole` drops the fraction when it is zero ("$49" on a pricing card). Null gives "—".
 */
export function formatMoney(
  minorUnits: number | null | undefined,
  currency: string,
  { whole = false }: { whole?: boolean } = {},
): string {
  if (minorUnits == null) return '—';
  let digits = 2;
  try {
    digits = currencyFormat(currency, false).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return `${(minorUnits / 100).toFixed(2)} ${currency.toUpperCase()}`; // unknown currency code
  }
  const amount = minorUnits / 10 ** digits;
  return currencyFormat(currency, whole && Number.isInteger(amount)).format(amount);
}

/** "12,345". */
export function formatNumber(value: number | null | undefined): string {
  if (value == null) return '—';
  return cached('number', () => new Intl.NumberFormat(locale)).format(value);
}

/** "1.2K", "3.4M" for tight spaces such as metric cards. */
export function formatCompact(value: number | null | undefined): string {
  if (value == null) return '—';
  return cached(
    'compact',
    () => new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }),
  ).format(value);
}

/** Ratio to percent: `formatPercent(0.125)` → "12.5%". */
export function formatPercent(ratio: number | null | undefined, maximumFractionDigits = 1): string {
  if (ratio == null) return '—';
  return cached(
    `percent:${maximumFractionDigits}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits }),
  ).format(ratio);
}
