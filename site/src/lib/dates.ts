import { parisDate } from '@maillage/extranet/clock';

const TZ = 'Europe/Paris';

/** Today's date in Paris, YYYY-MM-DD (the calendar the sessions are written in), from the app's clock. */
export function parisToday(at?: Date): string {
  return parisDate(at);
}

export { formatDay, formatSlot, formatTime } from '@maillage/extranet/dates';

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
