// Reading calendar attachments and Paris wall-clock times the way a reader's calendar does,
// independently of the extranet's own code (ical.js, Intl), so tests can check what it wrote.
import ICAL from 'ical.js';
import type { ReceivedMail } from './smtp-sink.ts';

/** First VEVENT start of an iCalendar text, read by ical.js with the file's own VTIMEZONE. */
export function firstStartOf(ics: string): Date {
  const comp = new ICAL.Component(ICAL.parse(ics));
  for (const tz of comp.getAllSubcomponents('vtimezone'))
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  return comp
    .getAllSubcomponents('vevent')
    .map((v) => new ICAL.Event(v).startDate.toJSDate())
    .sort((a, b) => a.getTime() - b.getTime())[0] as Date;
}

/** First VEVENT start of a received message's .ics attachment. */
export function icsFirstStart(mail: ReceivedMail): Date {
  const ics = mail.parsed.attachments.find((a) => a.filename.endsWith('.ics'));
  if (!ics) throw new Error('no .ics attachment');
  return firstStartOf(ics.content);
}

/** The UTC instant at which Paris wall-clock time reads `date time` (Intl, not the extranet's clock). */
export function parisWallClock(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  for (const offset of [1, 2]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, h - offset, mi));
    const shown = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(candidate);
    if (shown === time.slice(0, 5)) return candidate;
  }
  throw new Error('no such Paris time');
}
