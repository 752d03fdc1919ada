import { escapeText, serializeLines, utcStamp } from '@maillage/platform/icalendar';
import type { AppointmentStatus, PlaceKind } from '../../db/database.ts';
import { endOf, PLACE_KIND_LABEL } from './appointments.rules.ts';

/** What a calendar entry says of an appointment (the caller decides how much of the person it names). */
export interface CalendarAppointment {
  id: number;
  starts_at: string;
  duration_min: number;
  place_kind: PlaceKind;
  place_detail: string | null;
  status: AppointmentStatus;
  sequence: number;
  summary: string;
}

/**
 * RFC 5545 calendar of appointments. Times are UTC (`…Z`): a calendar shows them in its own time
 * zone, right in winter and summer without a VTIMEZONE. The UID is stable per appointment and
 * SEQUENCE counts its changes, so a calendar updates the entry instead of adding one; a cancelled
 * appointment stays with STATUS:CANCELLED so that it disappears from calendars that had it.
 */
export function appointmentCalendar(
  appointments: CalendarAppointment[],
  options: {
    method: 'PUBLISH' | 'REQUEST' | 'CANCEL';
    name?: string;
    host: string;
    now: Date;
    /** iTIP (RFC 5546): an invitation or its cancellation names who sends it */
    organizer?: { name: string; email: string };
    /** iTIP: the person invited (their own message only) */
    attendee?: { name: string; email: string };
  },
): string {
  const stamp = utcStamp(options.now);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Maillage//Extranet//FR',
    'CALSCALE:GREGORIAN',
    `METHOD:${options.method}`,
    ...(options.name ? [`X-WR-CALNAME:${escapeText(options.name)}`] : []),
  ];
  for (const a of appointments) {
    const place = [PLACE_KIND_LABEL[a.place_kind], a.place_detail].filter(Boolean).join(' : ');
    lines.push(
      'BEGIN:VEVENT',
      `UID:rendez-vous-${a.id}@${options.host}`,
      `DTSTAMP:${stamp}`,
      `SEQUENCE:${a.sequence}`,
      `DTSTART:${utcStamp(new Date(a.starts_at))}`,
      `DTEND:${utcStamp(endOf(a))}`,
      `SUMMARY:${escapeText(a.summary)}`,
      `LOCATION:${escapeText(place)}`,
      ...(options.organizer?.email
        ? [
            `ORGANIZER;CN="${options.organizer.name.replace(/["\r\n]/g, '')}":mailto:${options.organizer.email}`,
          ]
        : []),
      ...(options.attendee
        ? [
            `ATTENDEE;CN="${options.attendee.name.replace(/["\r\n]/g, '')}";RSVP=FALSE:mailto:${options.attendee.email}`,
          ]
        : []),
      `STATUS:${a.status === 'annule' || options.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return serializeLines(lines);
}
