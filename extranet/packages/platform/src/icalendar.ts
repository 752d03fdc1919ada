// RFC 5545 building blocks shared by the site (agenda feeds) and the extranet (the .ics attached to
// decision emails), so that both publish the same Europe/Paris calendars. Pure functions, no imports.

/** Europe/Paris rules since 1996 (EU summer time); enough for any session we schedule. */
export const PARIS_VTIMEZONE: readonly string[] = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'X-LIC-LOCATION:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** RFC 5545 §3.3.11 TEXT escaping. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const len = Buffer.byteLength(ch, 'utf8');
    if (size + len > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // continuation lines start with a space
    }
    current += ch;
    size += len;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Local date-time for `DTSTART;TZID=Europe/Paris:` from `2026-12-09` and `09:00` (or `09:00:00.000`). */
export const localStamp = (date: string, time: string): string =>
  `${date.replace(/-/g, '')}T${time.slice(0, 5).replace(':', '')}00`;

/** UTC date-time (`DTSTAMP`), e.g. `20261126T120000Z`. */
export const utcStamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Joins content lines into a calendar body: folded, CRLF-terminated. */
export const serializeLines = (lines: readonly string[]): string => `${lines.map(foldLine).join('\r\n')}\r\n`;
