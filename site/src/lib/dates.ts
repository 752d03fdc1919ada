import { parisDate, parisOffset } from '@maillage/extranet/clock';

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
export { parisOffset } from '@maillage/extranet/clock';

/** ISO 8601 date-time with the Paris offset: "2026-12-03T09:30:00+01:00". */
export function parisIso(date: string, time: string): string {
  return `${date}T${time.slice(0, 5)}:00${parisOffset(date, time)}`;
}
