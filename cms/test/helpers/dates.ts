/**
 * Today's date in France as YYYY-MM-DD, computed here rather than imported from the seed so that
 * the tests check the seed's dates against an independent clock.
 */
export const todayInFrance = (): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
