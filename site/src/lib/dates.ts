import type { Slot } from './cms/schemas.ts';

const TZ = 'Europe/Paris';

/** Today's date in Paris, YYYY-MM-DD (the calendar the sessions are written in). */
export function parisToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(now);
}

/** "mardi 3 décembre 2026" for a YYYY-MM-DD calendar date (already a Paris date). */
export function formatDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** "9 h 30" for "09:30". */
export function formatTime(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(h)} h${m && m !== '00' ? ` ${m}` : ''}`;
}

export function formatSlot(slot: Slot): string {
  return `${formatDay(slot.date)}, de ${formatTime(slot.start)} à ${formatTime(slot.end)}`;
}

/** "décembre 2026" for "2026-12". */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/** UTC offset of Europe/Paris at a given wall-clock time, e.g. "+01:00" or "+02:00". */
export function parisOffset(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  // Guess with UTC, then correct by the offset Intl reports for that instant.
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TZ, timeZoneName: 'longOffset' })
    .formatToParts(new Date(guess - 60 * 60 * 1000))
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name ?? '');
  return match ? `${match[1]}:${match[2] ?? '00'}` : '+01:00';
}

/** ISO 8601 date-time with the Paris offset: "2026-12-03T09:30:00+01:00". */
export function parisIso(date: string, time: string): string {
  return `${date}T${time.slice(0, 5)}:00${parisOffset(date, time)}`;
}
