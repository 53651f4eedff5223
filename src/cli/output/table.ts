/**
 * Tables as the `flux` CLI prints them (olekukonko/tablewriter with no borders, left alignment,
 * upper-case headers, `SetTablePadding("\t")` and `SetNoWhiteSpace(true)`): every cell is padded
 * with spaces to its column's width and followed by a tab, so rows end in a tab — except the
 * header's last cell, which tablewriter ends with a space.
 */

/** Display width of a string (tablewriter counts runes; emoji and CJK are rare in Flux output). */
function width(s: string): number {
  return [...s].length;
}

/** tablewriter's `Title()`: upper case, `_`/`.` become spaces. */
export function headerTitle(name: string): string {
  return name.replace(/[_.]/g, ' ').toUpperCase();
}

/**
 * Renders `rows` under `header` (empty header: no header line, as flux's `get -w` after the
 * first batch). Returns '' when there is nothing to print.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map(headerTitle);
  const all = head.length ? [head, ...rows] : [...rows];
  if (all.length === 0) return '';
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...all.map((r) => width(r[i] ?? ''))));
  const cell = (r: readonly string[], i: number): string => (r[i] ?? '').padEnd(widths[i]! + ((r[i] ?? '').length - width(r[i] ?? '')));
  // tablewriter ends the header's last cell with a space and every other cell with the padding.
  const line = (r: readonly string[], header: boolean): string => `${widths.map((_, i) => `${cell(r, i)}${header && i === columns - 1 ? ' ' : '\t'}`).join('')}\n`;
  return all.map((r, n) => line(r, head.length > 0 && n === 0)).join('');
}
