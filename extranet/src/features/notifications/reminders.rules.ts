import { addDays, parisInstant } from '@maillage/platform/clock';

/**
 * When a session reminder is sent (issue 18 part 3): the day before each date on which the person
 * has half-days, from 10:00 Paris — one message per date. No SMS on Sundays (design §9): the
 * reminder of a Monday is sent on the Saturday.
 */
const REMINDER_HOUR = '10:00';

/** Whether `date` (YYYY-MM-DD) is a Sunday; weekdays of calendar dates, whatever the time zone. */
const isSunday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay() === 0;

/** The Paris calendar day on which the reminder of a session date is sent. */
export function reminderDay(date: string): string {
  const before = addDays(date, -1);
  return isSunday(before) ? addDays(date, -2) : before;
}

/** The session dates whose reminders are due on `today` (a Saturday: Sunday's and Monday's). */
export function datesRemindedOn(today: string): string[] {
  return [addDays(today, 1), addDays(today, 2)].filter((d) => reminderDay(d) === today);
}

/** True from 10:00 (Paris) on `today`: reminders go out from then on. */
export function remindersOpen(today: string, at: Date): boolean {
  return at >= parisInstant(today, REMINDER_HOUR);
}
