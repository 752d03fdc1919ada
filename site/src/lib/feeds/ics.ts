import {
  escapeText,
  localStamp,
  PARIS_VTIMEZONE,
  serializeLines,
  utcStamp,
} from '@maillage/platform/icalendar';
import type { CmsEvent } from '../cms/schemas.ts';

/** RFC 5545 calendar: one VEVENT per half-day, local times with TZID=Europe/Paris and its VTIMEZONE. */

const stampOf = (iso: string) => {
  const d = new Date(iso);
  return utcStamp(Number.isNaN(d.getTime()) ? new Date(0) : d);
};

function eventToVevents(e: CmsEvent, siteUrl: string, host: string): string[] {
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
      `DTSTAMP:${stampOf(e.updatedAt)}`,
      `DTSTART;TZID=Europe/Paris:${localStamp(slot.date, slot.start)}`,
      `DTEND;TZID=Europe/Paris:${localStamp(slot.date, slot.end)}`,
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
    ...PARIS_VTIMEZONE,
    ...events.flatMap((e) => eventToVevents(e, opts.siteUrl, host)),
    'END:VCALENDAR',
  ];
  return serializeLines(lines);
}
