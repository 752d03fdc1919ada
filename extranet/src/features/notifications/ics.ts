import { sortSlots } from './format.ts';
import type { EventView } from './types.ts';

// Europe/Paris rules since 1996 (EU summer time); enough for any session we schedule.
const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
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
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
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

const localStamp = (date: string, time: string) =>
  `${date.replace(/-/g, '')}T${time.replace(':', '').slice(0, 4)}00`;
const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * A calendar with one VEVENT per half-day of the session, in Europe/Paris time, so that
 * "ajouter à mon agenda" puts every half-day in the person's calendar.
 */
export function eventCalendar(
  event: EventView,
  opts: { organizer?: { name: string; email: string }; now?: Date } = {},
): string {
  const now = utcStamp(opts.now ?? new Date());
  const location = `${event.venue.name}, ${event.venue.address}, ${event.venue.postcode} ${event.venue.commune}`;
  const slots = sortSlots(event.slots);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Maillage//Extranet//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...PARIS_VTIMEZONE,
  ];
  slots.forEach((slot, i) => {
    const title = slots.length > 1 ? `${event.title} (${i + 1}/${slots.length})` : event.title;
    const description = [event.programTitle, event.venue.accessNotes, event.practicalNotes, event.url]
      .filter(Boolean)
      .join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.id}-${slot.date}-${slot.start.replace(':', '')}@maillage`,
      `DTSTAMP:${now}`,
      `DTSTART;TZID=Europe/Paris:${localStamp(slot.date, slot.start)}`,
      `DTEND;TZID=Europe/Paris:${localStamp(slot.date, slot.end)}`,
      `SUMMARY:${escapeText(title)}`,
      `LOCATION:${escapeText(location)}`,
      ...(description ? [`DESCRIPTION:${escapeText(description)}`] : []),
      ...(opts.organizer
        ? [`ORGANIZER;CN="${opts.organizer.name.replace(/["\r\n]/g, '')}":mailto:${opts.organizer.email}`]
        : []),
      'END:VEVENT',
    );
  });
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
