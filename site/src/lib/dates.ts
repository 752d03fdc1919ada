import { parisOffset } from '@maillage/platform/clock';

/** "décembre 2026" for "2026-12". */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/** ISO 8601 date-time with the Paris offset: "2026-12-03T09:30:00+01:00". */
export function parisIso(date: string, time: string): string {
  return `${date}T${time.slice(0, 5)}:00${parisOffset(date, time)}`;
}
