import * as clock from '@maillage/platform/clock';
import {
  escapeText,
  localStamp,
  PARIS_VTIMEZONE,
  serializeLines,
  utcStamp,
} from '@maillage/platform/icalendar';
import { sortSlots } from './format.ts';
import type { EventView } from './types.ts';

/**
 * A calendar with one VEVENT per half-day of the session, in Europe/Paris time, so that
 * "ajouter à mon agenda" puts every half-day in the person's calendar.
 */
export function eventCalendar(
  event: EventView,
  opts: { organizer?: { name: string; email: string }; now?: Date } = {},
): string {
  const now = utcStamp(opts.now ?? clock.now());
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
  return serializeLines(lines);
}
