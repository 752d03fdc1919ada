import { addDays, now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Insertable, Kysely } from 'kysely';
import type { AppointmentTable, Database } from '../../db/database.ts';
import { findAccountIdByEmail } from '../accounts/accounts.repository.ts';
import { claimMarker, findDemoPerson, insertAppointments, markerOf } from './demo.repository.ts';

/**
 * Demo appointments (issue 18, part 2) for the demo advisor, with the people of the demo follow-up
 * (followup-people.service.ts, seeded before): today and this week ahead, and behind them one
 * without a status yet, one no-show, one excused and one that took place — dates from the clock at
 * seed time, so the agenda and the dashboard's nudge always have something to show. Once (marker).
 */
const DEMO_APPOINTMENTS: {
  phone: string;
  day: number;
  time: string;
  duration: number;
  place: AppointmentTable['place_kind'];
  detail?: string;
  status?: 'venu' | 'excuse' | 'absent';
}[] = [
  { phone: '+33700000101', day: 0, time: '14:00', duration: 60, place: 'bureau' },
  { phone: '+33700000103', day: 0, time: '16:00', duration: 45, place: 'telephone' },
  {
    phone: '+33700000102',
    day: 1,
    time: '10:00',
    duration: 60,
    place: 'partenaire',
    detail: 'France Services de Denain, 12 rue de Villars',
  },
  {
    phone: '+33700000104',
    day: 3,
    time: '09:30',
    duration: 90,
    place: 'visio',
    detail: 'https://visio.maillage.example/rachid',
  },
  { phone: '+33700000105', day: 4, time: '11:00', duration: 30, place: 'bureau' },
  { phone: '+33700000103', day: -3, time: '10:00', duration: 60, place: 'bureau' },
  { phone: '+33700000104', day: -7, time: '14:00', duration: 60, place: 'bureau', status: 'absent' },
  { phone: '+33700000101', day: -10, time: '09:30', duration: 45, place: 'telephone', status: 'excuse' },
  { phone: '+33700000102', day: -14, time: '10:00', duration: 60, place: 'bureau', status: 'venu' },
];

export async function seedDemoAppointments(db: Kysely<Database>, advisorEmail: string): Promise<number> {
  if (await markerOf(db, 'demo_appointments')) return 0;
  const advisor = await findAccountIdByEmail(db, advisorEmail);
  if (!advisor) return 0;
  const today = parisDate();
  const created = now().toISOString();
  return db.transaction().execute(async (trx) => {
    if (!(await claimMarker(trx, 'demo_appointments'))) return 0;
    const rows: Insertable<AppointmentTable>[] = [];
    for (const a of DEMO_APPOINTMENTS) {
      const person = await findDemoPerson(trx, a.phone);
      if (!person) continue;
      const startsAt = parisInstant(addDays(today, a.day), a.time).toISOString();
      // The past ones were booked a week before, their status recorded the day after.
      const booked = a.day < 0 ? parisInstant(addDays(today, a.day - 7), '11:00').toISOString() : created;
      rows.push({
        person_id: person.id,
        support_id: null,
        advisor_id: advisor.id,
        territory: person.territory,
        starts_at: startsAt,
        duration_min: a.duration,
        place_kind: a.place,
        place_detail: a.detail ?? null,
        status: a.status ?? 'prevu',
        status_at: a.status ? parisInstant(addDays(today, a.day + 1), '09:00').toISOString() : null,
        status_by: a.status ? advisor.id : null,
        created_by: advisor.id,
        created_at: booked,
        updated_at: booked,
      });
    }
    await insertAppointments(trx, rows);
    return rows.length;
  });
}
