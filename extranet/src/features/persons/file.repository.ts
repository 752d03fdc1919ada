import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

/*
 * The blocks of a person's file (pages/personnes/[id].astro) beyond its timeline: their requests
 * (with transport and childcare needs), the half-days of their sessions, their next appointments
 * and their open next actions. The person was found in the viewer's scope first; requests are
 * scoped again by their own territory, as on /demandes.
 */

/** The person's requests the viewer may see, newest first, with the session asked for. */
export async function requestsOfPerson(db: Kysely<Database>, viewer: Viewer, personId: number) {
  return db
    .selectFrom('registration')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.kind',
      'registration.status',
      'registration.created_at',
      'registration.event_id',
      'registration.needs_transport',
      'registration.needs_childcare',
      'registration.needs_accessibility',
      'registration.needs_details',
      'event_copy.title as event_title',
      'event_copy.first_slot_at',
    ])
    .where('registration.person_id', '=', personId)
    .where(registrationScope(viewer))
    .orderBy('registration.created_at', 'desc')
    .orderBy('registration.id', 'desc')
    .limit(100)
    .execute();
}

/** The attendance recorded for the person's session requests the viewer may see, by half-day. */
export async function attendanceOfPerson(db: Kysely<Database>, viewer: Viewer, personId: number) {
  return db
    .selectFrom('attendance')
    .innerJoin('registration', 'registration.id', 'attendance.registration_id')
    .select([
      'attendance.registration_id',
      'attendance.slot_date',
      'attendance.slot_start',
      'attendance.status',
    ])
    .where('registration.person_id', '=', personId)
    .where(registrationScope(viewer))
    .orderBy('attendance.slot_date')
    .orderBy('attendance.slot_start')
    .limit(500)
    .execute();
}

/** The person's appointments still to come (not cancelled), soonest first. */
export async function upcomingAppointments(db: Kysely<Database>, personId: number, from: string) {
  return db
    .selectFrom('appointment')
    .leftJoin('users', 'users.id', 'appointment.advisor_id')
    .select([
      'appointment.id',
      'appointment.starts_at',
      'appointment.place_kind',
      'appointment.status',
      'users.name as advisor_name',
    ])
    .where('appointment.person_id', '=', personId)
    .where('appointment.starts_at', '>=', from)
    .where('appointment.status', '!=', 'annule')
    .orderBy('appointment.starts_at')
    .limit(10)
    .execute();
}

/** The person's next actions not done yet (from notes), by due date. */
export async function openActionsOfPerson(db: Kysely<Database>, personId: number) {
  return db
    .selectFrom('note')
    .leftJoin('users', 'users.id', 'note.author_id')
    .select(['note.id', 'note.next_action', 'note.due_at', 'note.support_id', 'users.name as author_name'])
    .where('note.person_id', '=', personId)
    .where('note.next_action', 'is not', null)
    .where('note.done_at', 'is', null)
    .orderBy(sql`coalesce(note.due_at, '9999-12-31')`)
    .orderBy('note.id')
    .limit(20)
    .execute();
}
