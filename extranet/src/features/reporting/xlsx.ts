import { once } from 'node:events';
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type ExportTable, neutralise } from './export.table.ts';

/**
 * Writes the table as an XLSX to `out`, streamed: each row is committed as soon as it is written.
 * A second sheet, « Colonnes », explains every column.
 */
export async function writeXlsx(table: ExportTable, out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  wb.creator = 'Extranet Maillage';
  const sheet = wb.addWorksheet(table.title);
  sheet.addRow(table.columns.map((c) => c.header)).commit();
  let n = 0;
  for (const row of table.rows) {
    sheet.addRow(table.columns.map((c) => neutralise(row[c.key] ?? null))).commit();
    // Let the zip stream drain what is written, and wait for a slow reader: memory stays flat.
    if (++n % 500 === 0) {
      await new Promise((r) => setImmediate(r));
      // (or for the reader to go: a closed download ends the export with an error, logged)
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  }
  sheet.commit();
  const help = wb.addWorksheet('Colonnes');
  help.addRow(['Colonne', 'Ce qu’elle contient']).commit();
  for (const c of table.columns) help.addRow([neutralise(c.header), neutralise(c.description)]).commit();
  help.commit();
  await wb.commit();
}

/** The XLSX as a web stream, for a Response body. */
export function xlsxStream(table: ExportTable, onError: (e: unknown) => void): ReadableStream<Uint8Array> {
  const pass = new PassThrough();
  writeXlsx(table, pass).catch((e) => {
    onError(e);
    pass.destroy(e as Error);
  });
  return Readable.toWeb(pass) as ReadableStream<Uint8Array>;
}
