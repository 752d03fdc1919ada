import { now } from '@maillage/platform/clock';
import { calendarDateFormat } from '@maillage/platform/dates';
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { Association } from './association.service.ts';
import type { HalfDay } from './sessions.rules.ts';

/**
 * The feuille d'émargement: the association and its funders' mentions (from the CMS global), the
 * session, one row per participant and one signature box per half-day. A4 landscape, the standard
 * Helvetica fonts (WinAnsi: French accents and typographic quotes), no network, no browser. A row is
 * never split across pages: a row that does not fit starts a new page, under the table header again.
 */
export interface EmargementInput {
  association: Association;
  session: {
    title: string;
    territoryName: string | null;
    venue: { name?: string; address?: string; postcode?: string; commune?: string };
    halfDays: HalfDay[];
  };
  /** `excused`: the half-days' keys where the person is already excused (noted in advance) */
  participants: { firstName: string; lastName: string | null; excused?: string[] }[];
  /** empty rows at the end, for a late arrival signed in by hand (1 by default) */
  blankRows?: number;
}

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 36;
const NAME_COL = 170;
const ROW = 28;
const HEAD_ROW = 30;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.35, 0.35, 0.35);
const LINE = rgb(0.45, 0.45, 0.45);

/** "mar. 12/01/2027" for "2027-01-12" (the calendar date as it is). */
export const shortDay = calendarDateFormat({
  weekday: 'short',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** Letters with no decomposed form (Polish ł…), spelled without their stroke. */
const STROKED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i' };

/** Keeps what the standard font can draw; other letters lose their accent, the rest becomes "?". */
function encoder(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet());
  return (text) =>
    [...text.replace(/[\u00A0\u202F]/g, ' ')]
      .map((c) => {
        if (known.has(c.codePointAt(0) as number)) return c;
        const bare = STROKED[c] ?? c.normalize('NFD').replace(/\p{Diacritic}/gu, '');
        return [...bare].every((b) => known.has(b.codePointAt(0) as number)) ? bare : '?';
      })
      .join('');
}

/** The text cut with "…" to fit `width` at `size`. */
function fitText(font: PDFFont, text: string, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/** Word-wraps `text` into lines of at most `width` at `size`. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) <= width || !line) line = next;
      else {
        lines.push(line);
        line = word;
      }
    }
    if (line) lines.push(fitText(font, line, size, width));
  }
  return lines;
}

export async function buildEmargement(input: EmargementInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const clean = encoder(regular);
  const { session, association } = input;
  const at = now();
  doc.setTitle(clean(`Feuille d'émargement — ${session.title}`));
  doc.setAuthor(clean(association.name));
  doc.setLanguage('fr-FR');
  doc.setCreator('Extranet Maillage');
  doc.setProducer('Extranet Maillage');
  doc.setCreationDate(at);
  doc.setModificationDate(at);

  const days = session.halfDays;
  const tableWidth = PAGE.width - 2 * MARGIN;
  const dayCol = days.length ? (tableWidth - NAME_COL) / days.length : 0;

  // Funders' mentions at the foot of every page: measured first, so the table stops above them.
  const footSize = 7.5;
  const footLines = association.funders.flatMap((f) =>
    wrap(regular, clean(f.mention ? `${f.name} — ${f.mention}` : f.name), footSize, tableWidth),
  );
  const footHeight = (footLines.length + 1) * (footSize + 2.5) + 6;
  const bottom = MARGIN + footHeight;

  const venue = [
    session.venue.name,
    session.venue.address,
    [session.venue.postcode, session.venue.commune].filter(Boolean).join(' '),
  ]
    .filter(Boolean)
    .join(', ');
  const text = (
    page: PDFPage,
    value: string,
    x: number,
    y: number,
    size: number,
    font = regular,
    color = INK,
  ) => page.drawText(clean(value), { x, y, size, font, color });

  const pages: PDFPage[] = [];
  let y = 0;
  let page: PDFPage;

  const newPage = () => {
    page = doc.addPage([PAGE.width, PAGE.height]);
    pages.push(page);
    y = PAGE.height - MARGIN;
    text(page, fitText(bold, clean(association.name), 11, tableWidth), MARGIN, y - 11, 11, bold, GREY);
    y -= 22;
    text(page, 'Feuille d’émargement', MARGIN, y - 16, 16, bold);
    y -= 22;
    text(page, fitText(bold, clean(session.title), 12, tableWidth), MARGIN, y - 12, 12, bold);
    y -= 17;
    const where = [venue, session.territoryName].filter(Boolean).join(' — ');
    if (where) {
      text(page, fitText(regular, clean(where), 9.5, tableWidth), MARGIN, y - 9.5, 9.5);
      y -= 14;
    }
    y -= 8;
    // Table header: participant column, then one column per half-day (date and hours).
    page.drawRectangle({
      x: MARGIN,
      y: y - HEAD_ROW,
      width: tableWidth,
      height: HEAD_ROW,
      color: rgb(0.92, 0.92, 0.92),
      borderColor: LINE,
      borderWidth: 0.75,
    });
    text(page, 'Participant·e', MARGIN + 6, y - 18, 9, bold);
    days.forEach((d, i) => {
      const x = MARGIN + NAME_COL + i * dayCol;
      page.drawLine({ start: { x, y }, end: { x, y: y - HEAD_ROW }, thickness: 0.75, color: LINE });
      text(page, fitText(bold, shortDay(d.date), 8.5, dayCol - 8), x + 4, y - 12, 8.5, bold);
      text(page, fitText(regular, `${d.start} – ${d.end}`, 8, dayCol - 8), x + 4, y - 23, 8);
    });
    y -= HEAD_ROW;
  };

  const drawRow = (name: string, excused: readonly string[] = []) => {
    if (y - ROW < bottom) newPage();
    page.drawRectangle({
      x: MARGIN,
      y: y - ROW,
      width: tableWidth,
      height: ROW,
      borderColor: LINE,
      borderWidth: 0.75,
    });
    if (name) text(page, fitText(regular, clean(name), 10, NAME_COL - 12), MARGIN + 6, y - ROW / 2 - 3.5, 10);
    days.forEach((d, i) => {
      const x = MARGIN + NAME_COL + i * dayCol;
      page.drawLine({ start: { x, y }, end: { x, y: y - ROW }, thickness: 0.75, color: LINE });
      // An absence excused in advance: no signature expected in that box.
      if (excused.includes(d.key))
        text(page, fitText(regular, 'Excusé·e', 9, dayCol - 8), x + 4, y - ROW / 2 - 3, 9, regular, GREY);
    });
    y -= ROW;
  };

  newPage();
  for (const p of input.participants)
    drawRow(p.lastName ? `${p.lastName.toUpperCase()} ${p.firstName}` : p.firstName, p.excused);
  for (let i = 0; i < (input.blankRows ?? 1); i++) drawRow('');

  pages.forEach((pg, i) => {
    let fy = MARGIN + footHeight - footSize - 4;
    for (const line of footLines) {
      pg.drawText(line, { x: MARGIN, y: fy, size: footSize, font: regular, color: GREY });
      fy -= footSize + 2.5;
    }
    const label = `Page ${i + 1} sur ${pages.length}`;
    pg.drawText(label, {
      x: PAGE.width - MARGIN - regular.widthOfTextAtSize(label, footSize),
      y: MARGIN - 12,
      size: footSize,
      font: regular,
      color: GREY,
    });
  });
  return doc.save();
}
