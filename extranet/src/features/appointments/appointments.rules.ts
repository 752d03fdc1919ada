import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { z } from 'zod';
import type { AppointmentStatus, PlaceKind } from '../../db/database.ts';

export const PLACE_KIND_LABEL: Record<PlaceKind, string> = {
  bureau: 'Au bureau de Maillage',
  partenaire: 'Chez un partenaire',
  telephone: 'Par téléphone',
  visio: 'En visio',
};

export const STATUS_LABEL: Record<AppointmentStatus, string> = {
  prevu: 'Prévu',
  venu: 'Venu·e',
  excuse: 'Excusé·e',
  absent: 'Absent·e',
  annule: 'Annulé',
};

/** What the advisor records after the start: everything but « prévu ». */
export const RECORDED_STATUSES = ['venu', 'excuse', 'absent', 'annule'] as const;

export const DURATIONS = [30, 45, 60, 90] as const;
/** The longest appointment: how far back an overlapping one may start. */
export const LONGEST_MIN = 90;

const isoDate = z
  .string({ error: 'Indiquez la date (jj/mm/aaaa).' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Indiquez la date (jj/mm/aaaa).' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)), { error: 'Cette date n’existe pas.' });
const clockTime = z
  .string({ error: 'Indiquez l’heure (hh:mm).' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Indiquez l’heure (hh:mm), par exemple 14:30.' });
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** When and where: the part of the booking form that a change repeats. */
const whenWhereFields = {
  date: isoDate,
  time: clockTime,
  duration: z.coerce
    .number({ error: 'Choisissez la durée.' })
    .refine((n) => (DURATIONS as readonly number[]).includes(n), { error: 'Choisissez la durée.' }),
  placeKind: z.enum(Object.keys(PLACE_KIND_LABEL) as [PlaceKind], { error: 'Choisissez le lieu.' }),
  placeDetail: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(200, { error: 'Le détail du lieu est trop long (200 caractères au plus).' })
      .optional(),
  ),
};

function placeDetailNeeded(
  v: { placeKind: PlaceKind; placeDetail?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((v.placeKind === 'partenaire' || v.placeKind === 'visio') && !v.placeDetail)
    ctx.addIssue({
      code: 'custom',
      path: ['placeDetail'],
      message:
        v.placeKind === 'visio' ? 'Indiquez le lien de la visio.' : 'Indiquez le partenaire et son adresse.',
    });
}

/** A change of date, time or place (`/rendez-vous/[id]`). */
export const changeForm = z.object(whenWhereFields).superRefine(placeDetailNeeded);
export type WhenWhere = z.infer<typeof changeForm>;

/** A booking: when and where, the advisor (admins may choose), the support it belongs to. */
export const bookingForm = z
  .object({
    ...whenWhereFields,
    advisor: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .optional(),
    ),
    support: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().max(2_147_483_647).optional()),
  })
  .superRefine(placeDetailNeeded);
export type BookingInput = z.infer<typeof bookingForm>;

/** What happened, recorded after the start: nothing is chosen in advance. */
export const statusForm = z.object({
  status: z.enum(RECORDED_STATUSES, { error: 'Choisissez ce qui s’est passé.' }),
});

/** The UTC instant of a Paris date and time. */
export const startInstant = (w: { date: string; time: string }): Date => parisInstant(w.date, w.time);

export const endOf = (a: { starts_at: string; duration_min: number }): Date =>
  new Date(Date.parse(a.starts_at) + a.duration_min * 60_000);

/** Two appointments overlap when each starts before the other ends. */
export function overlaps(
  a: { starts_at: string; duration_min: number },
  b: { starts_at: string; duration_min: number },
): boolean {
  return Date.parse(a.starts_at) < endOf(b).getTime() && Date.parse(b.starts_at) < endOf(a).getTime();
}

// Built once: an Intl formatter costs far more to build than to use (10,000 reminders at once).
const CLOCK = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "14:00" in Paris time for an instant. */
export function parisClock(at: Date | string): string {
  return CLOCK.format(typeof at === 'string' ? new Date(at) : at);
}

const instants = new Map<string, number>();
/**
 * parisInstant, remembered: the same few days and hours come back for thousands of appointments
 * (and every agenda view), the answer never changes (the Paris rules are fixed), and building it
 * costs an Intl formatter each time (it topped the agenda's CPU profile).
 */
export function parisAt(date: string, time = '00:00'): Date {
  const key = `${date} ${time}`;
  let ms = instants.get(key);
  if (ms === undefined) {
    ms = parisInstant(date, time).getTime();
    if (instants.size > 5_000) instants.clear();
    instants.set(key, ms);
  }
  return new Date(ms);
}

/** The Paris weekday of a Paris date: 0 = Sunday. */
const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();

export type ReminderPurpose = 'reminder-2d' | 'reminder-day';

/**
 * When the reminders of an appointment are due: two days before at 09:00 Paris time, and the
 * morning of at 08:00. None on a Sunday (design §9): the two-day one then goes on the Saturday;
 * the morning one of a Sunday appointment is not sent.
 */
function reminderTimes(startsAt: string): { purpose: ReminderPurpose; at: Date }[] {
  const day = parisDate(new Date(startsAt));
  let before = addDays(day, -2);
  if (weekday(before) === 0) before = addDays(before, -1);
  const times: { purpose: ReminderPurpose; at: Date }[] = [
    { purpose: 'reminder-2d', at: parisAt(before, '09:00') },
  ];
  if (weekday(day) !== 0) times.push({ purpose: 'reminder-day', at: parisAt(day, '08:00') });
  return times;
}

/** A reminder later than this Paris hour is not sent (no message at night): the next one will do. */
const LAST_SENDING_HOUR = '20:00';

/**
 * The reminders due at `now` for an appointment: their time has come, the appointment is still
 * ahead, it was booked before that time (otherwise its confirmation has just arrived), and it is
 * not night yet on the reminder's day.
 */
export function dueReminders(
  a: { starts_at: string; created_at: string; updated_at: string },
  now: Date,
): ReminderPurpose[] {
  if (Date.parse(a.starts_at) <= now.getTime()) return [];
  return reminderTimes(a.starts_at)
    .filter(({ at }) => {
      if (at.getTime() > now.getTime()) return false;
      if (Date.parse(a.updated_at) > at.getTime()) return false;
      const lastHour = parisAt(parisDate(at), LAST_SENDING_HOUR);
      return now.getTime() < lastHour.getTime();
    })
    .map((r) => r.purpose);
}

/** The Monday of the week (Paris dates) holding `date`. */
export function mondayOf(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}
