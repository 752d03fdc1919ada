// French wording of session dates, shared by the site's pages and the extranet's messages so that a
// person reads the same "mardi 3 décembre 2026, de 9 h à 12 h" everywhere. Pure functions, no imports.

/**
 * A formatter of Paris calendar dates (YYYY-MM-DD): the date is formatted at noon UTC, so it is the
 * same day everywhere.
 */
export function calendarDateFormat(options: Intl.DateTimeFormatOptions): (date: string) => string {
  const format = new Intl.DateTimeFormat('fr-FR', { ...options, timeZone: 'UTC' });
  return (date) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return format.format(new Date(Date.UTC(y, m - 1, d, 12)));
  };
}

/** "mardi 3 décembre 2026" for a Paris calendar date YYYY-MM-DD. */
export const formatDay = calendarDateFormat({
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "9 h 30" for "09:30", "14 h" for "14:00". */
export function formatTime(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(h)} h${m && m !== '00' ? ` ${m}` : ''}`;
}

/** "mardi 3 décembre 2026, de 9 h à 12 h" for one half-day. */
export function formatSlot(slot: { date: string; start: string; end: string }): string {
  return `${formatDay(slot.date)}, de ${formatTime(slot.start)} à ${formatTime(slot.end)}`;
}
