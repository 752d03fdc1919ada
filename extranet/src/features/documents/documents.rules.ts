import { z } from 'zod';

/** Documents: their types, the formats accepted (found in the content, never from the name) and who sees them. */

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** What room an upload's body may take besides its file: boundaries, part headers, a few small fields. */
export const FORM_OVERHEAD_BYTES = 64 * 1024;

export const DOCUMENT_KINDS = [
  'attestation-rsa',
  'attestation-france-travail',
  'contrat-accompagnement',
  'business-plan',
  'autre',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const KIND_LABEL: Record<DocumentKind, string> = {
  'attestation-rsa': 'Attestation RSA (revenu de solidarité active)',
  'attestation-france-travail': 'Attestation France Travail',
  'contrat-accompagnement': 'Contrat d’accompagnement',
  'business-plan': 'Business plan',
  autre: 'Autre',
};

/** What an upload form carries besides the file. */
export const documentFields = z.object({
  kind: z.enum(DOCUMENT_KINDS, { error: 'Choisissez le type de document.' }),
  confidential: z
    .enum(['on'])
    .optional()
    .transform((v) => v === 'on'),
});

export type DocumentFormat =
  | 'pdf'
  | 'jpeg'
  | 'png'
  | 'webp'
  | 'docx'
  | 'xlsx'
  | 'odt'
  | 'ods'
  | 'doc'
  | 'xls';

export const FORMAT: Record<DocumentFormat, { type: string; extension: string; label: string }> = {
  pdf: { type: 'application/pdf', extension: 'pdf', label: 'PDF' },
  jpeg: { type: 'image/jpeg', extension: 'jpg', label: 'image JPEG' },
  png: { type: 'image/png', extension: 'png', label: 'image PNG' },
  webp: { type: 'image/webp', extension: 'webp', label: 'image WebP' },
  docx: {
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    label: 'Word',
  },
  xlsx: {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    label: 'Excel',
  },
  odt: { type: 'application/vnd.oasis.opendocument.text', extension: 'odt', label: 'texte OpenDocument' },
  ods: {
    type: 'application/vnd.oasis.opendocument.spreadsheet',
    extension: 'ods',
    label: 'tableur OpenDocument',
  },
  doc: { type: 'application/msword', extension: 'doc', label: 'Word (ancien format)' },
  xls: { type: 'application/vnd.ms-excel', extension: 'xls', label: 'Excel (ancien format)' },
};

export const ACCEPTED_FORMATS_TEXT =
  'PDF, image (JPEG, PNG, WebP), Word, Excel ou OpenDocument (texte, tableur), 10 Mo au plus';

export const WRONG_TYPE_MESSAGE = `Ce fichier n’est pas d’un type accepté : envoyez un ${ACCEPTED_FORMATS_TEXT}.`;
export const TOO_LARGE_MESSAGE =
  'Ce fichier dépasse 10 Mo : réduisez-le (ou scannez-le en qualité moindre), puis envoyez-le de nouveau.';
export const EMPTY_MESSAGE = 'Choisissez un fichier à envoyer.';

export class DocumentNotFoundError extends Error {}
export class DocumentTooLargeError extends Error {}

/** How many bytes of the start and of the end of a file the format check keeps (ZIP's directory is at the end). */
export const SNIFF_BYTES = 64 * 1024;

const startsWith = (b: Uint8Array, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.subarray(from, to)).toString('latin1');

/**
 * The format of a file from its content: its first bytes, and for ZIP-based office files the
 * names of their parts (an OOXML `[Content_Types].xml` with its main part, or the ODF `mimetype`
 * entry stored first). `head` is the file's first SNIFF_BYTES, `tail` its last, `size` its length;
 * `name` only tells a legacy .doc from a .xls (both OLE containers). Null: refused.
 */
export function sniffFormat(
  head: Uint8Array,
  tail: Uint8Array,
  size: number,
  name: string,
): DocumentFormat | null {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
    return ext === 'doc' ? 'doc' : ext === 'xls' ? 'xls' : null;
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return zipOfficeFormat(head, tail, size);
  return null;
}

function zipOfficeFormat(head: Uint8Array, tail: Uint8Array, size: number): DocumentFormat | null {
  // ODF: the first entry is `mimetype`, stored uncompressed (ODF 1.2 §3.3).
  const nameLength = head[26]! | (head[27]! << 8);
  const extraLength = head[28]! | (head[29]! << 8);
  if (head.length > 30 + nameLength && ascii(head, 30, 30 + nameLength) === 'mimetype') {
    const from = 30 + nameLength + extraLength;
    const mime = ascii(head, from, from + 60);
    if (mime.startsWith('application/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    if (mime.startsWith('application/vnd.oasis.opendocument.text')) return 'odt';
    return null;
  }
  // OOXML: the central directory (end of the file) names `[Content_Types].xml` and the main part.
  const names = centralDirectoryNames(tail, size);
  if (!names?.includes('[Content_Types].xml')) return null;
  if (names.includes('word/document.xml')) return 'docx';
  if (names.includes('xl/workbook.xml')) return 'xlsx';
  return null;
}

/** The entry names of a ZIP's central directory, when it lies within `tail` (the file's last bytes). */
function centralDirectoryNames(tail: Uint8Array, size: number): string[] | null {
  const b = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  const tailStart = size - b.length;
  let at = cdOffset - tailStart;
  if (at < 0 || at + cdSize > b.length) return null;
  const names: string[] = [];
  for (let n = 0; n < count && at + 46 <= b.length; n++) {
    if (b.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLength = b.readUInt16LE(at + 28);
    const extraLength = b.readUInt16LE(at + 30);
    const commentLength = b.readUInt16LE(at + 32);
    names.push(b.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** A name fit for display and for Content-Disposition: no path, no control characters, at most 150 characters. */
export function displayName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return (clean || 'document').slice(0, 150);
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(name: string, format: DocumentFormat): string {
  let display = displayName(name);
  if (!display.toLowerCase().endsWith(`.${FORMAT[format].extension}`))
    display += `.${FORMAT[format].extension}`;
  const fallback =
    display
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/[\\%;]/g, '_') || 'document';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(display)}`;
}

/**
 * Who may see a document: everyone who sees the person (territory), except a confidential one:
 * admins and the person's referent advisors — the advisors in charge of their open supports —
 * or, when no one is in charge, the advisor who added it.
 */
export function maySeeDocument(
  viewer: { id: string; role: 'admin' | 'advisor' },
  doc: { confidential: number; uploaded_by: string | null },
  referents: string[],
): boolean {
  if (!doc.confidential || viewer.role === 'admin') return true;
  if (referents.length) return referents.includes(viewer.id);
  return doc.uploaded_by === viewer.id;
}
