/**
 * A table to export (CSV or XLSX) and what every cell goes through: the shapes `exports.ts` builds
 * and `csv.ts` / `xlsx.ts` write.
 */
export type Cell = string | number | null;
export interface Column {
  key: string;
  header: string;
  description: string;
}
export interface ExportTable {
  /** file and sheet name */
  name: string;
  title: string;
  columns: Column[];
  rows: Iterable<Record<string, Cell>>;
}

/** Columns written as [key, header, description] lines. */
export const columns = (lines: [key: string, header: string, description: string][]): Column[] =>
  lines.map(([key, header, description]) => ({ key, header, description }));

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is
 * prefixed with an apostrophe: it stays text, and nothing runs when the file is opened.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
