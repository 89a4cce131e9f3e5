/**
 * Amounts typed by people ("149.50") to and from the API's integer minor units, in the currency's own
 * number of decimals (Intl): `toMinorUnits('149.5', 'usd')` → 14950, `toMinorUnits('500', 'jpy')` → 500.
 */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Minor units from what was typed; undefined when empty, NaN when it is not an amount. */
export function toMinorUnits(text: string, currency: string): number | undefined {
  const clean = text.trim().replace(/,/g, '');
  if (clean === '') return undefined;
  if (!/^\d+(\.\d*)?$/.test(clean)) return Number.NaN;
  return Math.round(Number(clean) * 10 ** currencyDigits(currency));
}

/** Minor units as an input shows them: 4900 → "49.00". */
export function toAmountText(minorUnits: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (minorUnits / 10 ** digits).toFixed(digits);
}
