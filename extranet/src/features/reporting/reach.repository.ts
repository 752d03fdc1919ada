import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { territoryIn } from './indicators.repository.ts';

// The queries of « Joindre les personnes » on the indicators page (reach.service.ts): no-shows at
// Parcours half-days and appointments, and the messages sent to people by channel. Counts only:
// no name, number or text leaves these queries.

const n = (expression: ReturnType<typeof sql>) => sql<number>`sum(case when ${expression} then 1 else 0 end)`;

/**
 * Recorded half-days of Parcours (not trainings) held in the period, by territory and by the
 * advisor who accepted the person, with how many were attended, excused and missed.
 */
export async function halfDayAttendance(
  db: Kysely<Database>,
  scope: string[] | null,
  days: { first: string; last: string },
) {
  return db
    .selectFrom('attendance as a')
    .innerJoin('registration as r', 'r.id', 'a.registration_id')
    .innerJoin('event_copy as e', 'e.document_id', 'r.event_id')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .select(['r.territory as territory', 'r.decided_by as advisorId', 'u.name as advisorName'])
    .select([
      n(sql`a.status = 'present'`).as('came'),
      n(sql`a.status = 'excused'`).as('excused'),
      n(sql`a.status = 'absent'`).as('noShow'),
    ])
    .where('a.slot_date', '>=', days.first)
    .where('a.slot_date', '<=', days.last)
    .where((eb) => eb.or([eb('e.program_kind', 'is', null), eb('e.program_kind', '!=', 'formation')]))
    .where(territoryIn('r.territory', scope))
    .groupBy(['r.territory', 'r.decided_by', 'u.name'])
    .execute();
}

/** Appointments of the period whose status was recorded, by territory and advisor. */
export async function appointmentAttendance(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  return db
    .selectFrom('appointment as ap')
    .leftJoin('users as u', 'u.id', 'ap.advisor_id')
    .select(['ap.territory as territory', 'ap.advisor_id as advisorId', 'u.name as advisorName'])
    .select([
      n(sql`ap.status = 'venu'`).as('came'),
      n(sql`ap.status = 'excuse'`).as('excused'),
      n(sql`ap.status = 'absent'`).as('noShow'),
      n(sql`ap.status = 'annule'`).as('cancelled'),
    ])
    .where('ap.starts_at', '>=', bounds.start)
    .where('ap.starts_at', '<', bounds.end)
    .where(territoryIn('ap.territory', scope))
    .groupBy(['ap.territory', 'ap.advisor_id', 'u.name'])
    .execute();
}

/** SMS created in the period to people of the scope, by what became of them. */
export async function smsOutcomes(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  return db
    .selectFrom('sms_message as s')
    .leftJoin('person as p', 'p.id', 's.person_id')
    .select([
      sql<number>`count(*)`.as('total'),
      n(sql`s.sent_at is not null`).as('sent'),
      n(sql`s.delivered_at is not null`).as('delivered'),
      n(sql`s.failed_at is not null`).as('notDelivered'),
      n(sql`s.status = 'done-by-hand'`).as('byHand'),
      n(sql`s.status in ('manual', 'queued', 'sending')`).as('waiting'),
      sql<number>`coalesce(sum(case when s.sent_at is not null then s.segments else 0 end), 0)`.as(
        'segments',
      ),
    ])
    .where('s.created_at', '>=', bounds.start)
    .where('s.created_at', '<', bounds.end)
    .where(territoryIn('p.territory', scope))
    .executeTakeFirstOrThrow();
}

/**
 * E-mails to people created in the period (not those to professionals or advisors): those about
 * a request go to the address given with it or the person's; those about an appointment to the
 * person's. Accepted = handed to the mail server (the mailbox's own delivery is not reported).
 */
export async function personEmailOutcomes(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  const aboutRequests = db
    .selectFrom('outbox as o')
    .innerJoin('registration as r', 'r.id', 'o.registration_id')
    .innerJoin('person as p', 'p.id', 'r.person_id')
    .select(['o.status'])
    .where((eb) =>
      eb.or([eb('o.to_address', '=', eb.ref('r.contact_email')), eb('o.to_address', '=', eb.ref('p.email'))]),
    )
    .where('o.created_at', '>=', bounds.start)
    .where('o.created_at', '<', bounds.end)
    .where(territoryIn('r.territory', scope));
  const aboutAppointments = db
    .selectFrom('outbox as o')
    .select(['o.status'])
    .where('o.registration_id', 'is', null)
    .where('o.kind', '=', 'appointment')
    .where('o.created_at', '>=', bounds.start)
    .where('o.created_at', '<', bounds.end)
    .where((eb) =>
      eb(
        'o.to_address',
        'in',
        eb
          .selectFrom('person as p')
          .select('p.email')
          .where('p.email', 'is not', null)
          .where(territoryIn('p.territory', scope)),
      ),
    );
  const rows = await db
    .selectFrom(aboutRequests.unionAll(aboutAppointments).as('m'))
    .select([
      sql<number>`count(*)`.as('total'),
      n(sql`m.status = 'sent'`).as('accepted'),
      n(sql`m.status = 'failed'`).as('refused'),
    ])
    .executeTakeFirstOrThrow();
  return rows;
}

/** Calls owed to people (a request's news for someone who prefers a call), made or to make. */
export async function callOutcomes(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  return db
    .selectFrom('notification as nt')
    .innerJoin('registration as r', 'r.id', 'nt.registration_id')
    .select([sql<number>`count(*)`.as('total'), n(sql`nt.call_status = 'done'`).as('done')])
    .where('nt.call_text', 'is not', null)
    .where('nt.channel', '=', 'appel')
    .where('nt.created_at', '>=', bounds.start)
    .where('nt.created_at', '<', bounds.end)
    .where(territoryIn('r.territory', scope))
    .executeTakeFirstOrThrow();
}
