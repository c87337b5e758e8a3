/**
 * CSV for the office's spreadsheets: UTF-8 with a BOM (so the Chinese opens correctly), CRLF lines, RFC 4180
 * quoting, and a leading =, +, -, @, tab or carriage return prefixed with ' so a spreadsheet never runs a cell as a
 * formula (OWASP CSV injection: Excel, WPS and LibreOffice skip a leading tab or CR before reading a formula).
 */
export const BOM = '\uFEFF';

export type CsvValue = string | number | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (values: readonly CsvValue[]) => `${values.map(csvCell).join(',')}\r\n`;

/** A whole document: a header row from the column titles, then one line per row. */
export function csvTable<T>(columns: readonly (readonly [string, (row: T) => CsvValue])[], rows: readonly T[]): string {
  return BOM + csvLine(columns.map(([title]) => title)) + rows.map((r) => csvLine(columns.map(([, value]) => value(r)))).join('');
}
