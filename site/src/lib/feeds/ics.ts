import type { CmsEvent } from '../cms/schemas.ts';

/** RFC 5545 calendar: one VEVENT per half-day, local times with TZID=Europe/Paris and its VTIMEZONE. */

const VTIMEZONE = [
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

/** TEXT value escaping (RFC 5545 §3.3.11). */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (§3.1). */
export function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // continuation lines start with one space
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const local = (date: string, time: string) =>
  `${date.replace(/-/g, '')}T${time.slice(0, 5).replace(':', '')}00`;
const utcStamp = (iso: string) => {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date(0) : d)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
};

export function eventToVevents(e: CmsEvent, siteUrl: string, host: string): string[] {
  const url = `${siteUrl}/agenda/${e.slug}`;
  const location = `${e.venue.name}, ${e.venue.address}, ${e.venue.postcode} ${e.venue.commune}`;
  const n = e.slots.length;
  return e.slots.flatMap((slot, i) => {
    const summary = n > 1 ? `${e.title} (demi-journée ${i + 1} sur ${n})` : e.title;
    const description = [
      e.cancelled ? 'SESSION ANNULÉE.' : null,
      e.program?.title ?? null,
      e.venue.accessNotes ? `Accès : ${e.venue.accessNotes}` : null,
      `Détails et inscription : ${url}`,
    ]
      .filter(Boolean)
      .join('\n');
    return [
      'BEGIN:VEVENT',
      `UID:${e.documentId}-${slot.date}-${slot.start.replace(':', '')}@${host}`,
      `DTSTAMP:${utcStamp(e.updatedAt)}`,
      `DTSTART;TZID=Europe/Paris:${local(slot.date, slot.start)}`,
      `DTEND;TZID=Europe/Paris:${local(slot.date, slot.end)}`,
      `SUMMARY:${escapeText(summary)}`,
      `LOCATION:${escapeText(location)}`,
      `DESCRIPTION:${escapeText(description)}`,
      `URL:${url}`,
      `STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    ];
  });
}

export function buildCalendar(events: CmsEvent[], opts: { siteUrl: string; name: string }): string {
  const host = new URL(opts.siteUrl).hostname || 'maillage';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Maillage//Agenda des sessions//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.name)}`,
    'X-WR-TIMEZONE:Europe/Paris',
    ...VTIMEZONE,
    ...events.flatMap((e) => eventToVevents(e, opts.siteUrl, host)),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
