import { type Cell, type ExportTable, neutralise } from './export.table.ts';

function csvField(value: Cell): string {
  const v = neutralise(value);
  if (v === null) return '';
  const s = String(v);
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV with a BOM (so Excel reads UTF-8), `;`-separated, CRLF line ends. */
export function* csvChunks(table: ExportTable): Generator<string> {
  yield `\uFEFF${table.columns.map((c) => csvField(c.header)).join(';')}\r\n`;
  for (const row of table.rows)
    yield `${table.columns.map((c) => csvField(row[c.key] ?? null)).join(';')}\r\n`;
}

/** The CSV as a web stream. */
export function csvStream(table: ExportTable): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = csvChunks(table);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}
