/**
 * Columns as Docker's CLI aligns them (text/tabwriter with minimum width 10, padding 3): each
 * column but the last is padded to its widest cell plus three spaces, and at least ten.
 */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max((widths[i] ?? 0) + 3, 10))))
      .join('')
      .trimEnd(),
  );
}

/** Go's encoding/json escapes <, > and & in strings; Docker's `--format json` output shows it. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
