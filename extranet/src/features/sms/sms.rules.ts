import { addDays, parisDate, parisInstant, TIME_ZONE } from '@maillage/platform/clock';

/**
 * When an SMS may leave: Monday to Saturday, 08:00 to 20:00 Paris. A message queued outside these
 * hours waits for the next allowed minute (Saturday 21:00 → Monday 08:00). People we write to are
 * not woken up, and a reminder read at breakfast is read.
 */
const SMS_HOURS = { from: '08:00', to: '20:00' } as const;

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parisWeekdayAndTime(at: Date): { sunday: boolean; time: string } {
  const parts = wallClock.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { sunday: get('weekday') === 'Sun', time: `${get('hour')}:${get('minute')}` };
}

/** The first instant at or after `at` when an SMS may be sent. */
export function nextSmsInstant(at: Date): Date {
  const { sunday, time } = parisWeekdayAndTime(at);
  if (!sunday && time >= SMS_HOURS.from && time < SMS_HOURS.to) return at;
  // Before 08:00 the same day, else the next day; never a Sunday.
  let day = time < SMS_HOURS.from ? parisDate(at) : addDays(parisDate(at), 1);
  if (parisWeekdayAndTime(parisInstant(day, '12:00')).sunday) day = addDays(day, 1);
  return parisInstant(day, SMS_HOURS.from);
}
