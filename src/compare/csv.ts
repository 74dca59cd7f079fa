// RFC 4180 CSV, safe to open in a spreadsheet: text that a spreadsheet would run as a formula is prefixed with
// a quote (OWASP "CSV injection"), and numbers keep full precision.

export type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  // A plain negative integer (exact digits of a big param) is a number to a spreadsheet, not a formula.
  if (/^[=+\-@\t\r]/.test(s) && !/^-[0-9]+$/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: Cell[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
