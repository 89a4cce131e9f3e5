/**
 * CSV as spreadsheets read it (RFC 4180: CRLF line ends, a header row). A cell is quoted when it holds a
 * comma, quote or line break; text starting with = + - @ tab or CR gets a leading ' so a spreadsheet
 * does not run it as a formula (names, notes and evidence come from accounts and apps). Numbers are
 * written as they are (a negative amount is a number, not a formula); dates as ISO 8601, objects as JSON,
 * null and undefined as an empty cell.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  let text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV file: the header, then one line per row. */
export function csvTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}
