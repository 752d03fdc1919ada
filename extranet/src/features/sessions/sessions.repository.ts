import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { countByEventAndStatus } from '../registrations/registrations.repository.ts';
import type { AttendanceStatus, ParcoursOutcomeKind } from './sessions.rules.ts';

/** The sessions' queries (the events copy, registrations on a session, attendance, outcomes). */

/**
 * The sessions of the viewer's territories (admins: all) that are still published or have
 * registrations, with what the list needs.
 */
export async function scopedEventCopies(db: Kysely<Database>, viewer: Viewer) {
  let q = db
    .selectFrom('event_copy')
    .select([
      'document_id',
      'title',
      'territory',
      'territory_name',
      'program_kind',
      'slots_json',
      'capacity',
      'cancelled',
    ])
    .where((eb) =>
      eb.or([
        eb('removed', '=', 0),
        eb.exists(
          eb
            .selectFrom('registration')
            .select(sql`1`.as('one'))
            .whereRef('registration.event_id', '=', 'event_copy.document_id'),
        ),
      ]),
    );
  if (viewer.role !== 'admin') q = q.where('territory', 'in', viewer.territories);
  return q.execute();
}

/** Accepted and waiting registrations per session, as `event_id:status` → count. */
export async function countByStatus(db: Kysely<Database>, eventIds: string[]): Promise<Map<string, number>> {
  if (!eventIds.length) return new Map();
  const rows = await countByEventAndStatus(db, eventIds);
  return new Map(rows.map((r) => [`${r.event_id}:${r.status}`, Number(r.n)]));
}

/** Everyone on a session who is or was expected (accepted, waiting, cancelled), with their identity. */
export async function rosterRows(db: Kysely<Database>, eventId: string) {
  return db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.person_id',
      'registration.status',
      'registration.created_at',
      'registration.decided_at',
      'registration.decided_by',
      'registration.decision_reason',
      'registration.source_type',
      'registration.prescriber_organisation',
      'registration.prescriber_keep_informed',
      'person.first_name',
      'person.last_name',
      'person.phone',
    ])
    .where('registration.event_id', '=', eventId)
    .where('registration.status', 'in', ['accepted', 'waitlisted', 'cancelled'])
    .execute();
}

export async function attendanceOf(db: Kysely<Database>, registrationIds: number[]) {
  return db
    .selectFrom('attendance')
    .select(['registration_id', 'slot_date', 'slot_start', 'status'])
    .where('registration_id', 'in', registrationIds)
    .execute();
}

export async function outcomesOf(db: Kysely<Database>, registrationIds: number[]) {
  return db
    .selectFrom('parcours_outcome')
    .select(['registration_id', 'kind', 'outcome_date', 'support_id'])
    .where('registration_id', 'in', registrationIds)
    .execute();
}

/** A registration with its session (the events copy). */
const withSession = (db: Kysely<Database>) =>
  db.selectFrom('registration').innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id');

/** One registration of one session, with what attendance and outcomes need of the session. */
export async function registrationOnSession(db: Kysely<Database>, eventId: string, registrationId: number) {
  return withSession(db)
    .select([
      'registration.id',
      'registration.person_id',
      'registration.status',
      'event_copy.territory',
      'event_copy.slots_json',
    ])
    .where('registration.id', '=', registrationId)
    .where('registration.event_id', '=', eventId)
    .executeTakeFirst();
}

/** A registration to a session (kind 'event') with the session's title and dates. */
export async function eventRegistration(db: Kysely<Database>, registrationId: number) {
  return withSession(db)
    .select([
      'registration.id',
      'registration.status',
      'registration.person_id',
      'event_copy.title',
      'event_copy.slots_json',
      'event_copy.first_slot_at',
    ])
    .where('registration.id', '=', registrationId)
    .where('registration.kind', '=', 'event')
    .executeTakeFirst();
}

export async function findAttendance(
  db: Kysely<Database>,
  mark: { registrationId: number; date: string; start: string },
) {
  return db
    .selectFrom('attendance')
    .select(['id', 'status'])
    .where('registration_id', '=', mark.registrationId)
    .where('slot_date', '=', mark.date)
    .where('slot_start', '=', mark.start)
    .executeTakeFirst();
}

/** Writes (or overwrites) one attendance mark. */
export async function upsertAttendance(
  db: Kysely<Database>,
  mark: {
    registrationId: number;
    date: string;
    start: string;
    status: AttendanceStatus;
    by: string;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('attendance')
    .values({
      registration_id: mark.registrationId,
      slot_date: mark.date,
      slot_start: mark.start,
      status: mark.status,
      recorded_by: mark.by,
      recorded_at: mark.at,
    })
    .onConflict((oc) =>
      oc
        .columns(['registration_id', 'slot_date', 'slot_start'])
        .doUpdateSet({ status: mark.status, recorded_by: mark.by, recorded_at: mark.at }),
    )
    .execute();
}

/**
 * Accepted registrations of a session with nothing recorded yet at one half-day, among those
 * accepted before it ended (someone who got a freed place afterwards was not there).
 */
export async function unmarkedAccepted(
  db: Kysely<Database>,
  eventId: string,
  day: { date: string; start: string },
  acceptedBefore: string,
) {
  return db
    .selectFrom('registration')
    .select(['registration.id', 'registration.person_id'])
    .where('registration.event_id', '=', eventId)
    .where('registration.status', '=', 'accepted')
    .where((eb) =>
      eb.or([eb('registration.decided_at', 'is', null), eb('registration.decided_at', '<', acceptedBefore)]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('attendance')
            .select(sql`1`.as('one'))
            .whereRef('attendance.registration_id', '=', 'registration.id')
            .where('attendance.slot_date', '=', day.date)
            .where('attendance.slot_start', '=', day.start),
        ),
      ),
    )
    .execute();
}

/** New marks, one row each (callers checked that none exists). */
export async function insertAttendanceMany(
  db: Kysely<Database>,
  marks: {
    registrationId: number;
    date: string;
    start: string;
    status: AttendanceStatus;
    by: string;
    at: string;
  }[],
): Promise<void> {
  if (!marks.length) return;
  await db
    .insertInto('attendance')
    .values(
      marks.map((m) => ({
        registration_id: m.registrationId,
        slot_date: m.date,
        slot_start: m.start,
        status: m.status,
        recorded_by: m.by,
        recorded_at: m.at,
      })),
    )
    .execute();
}

export async function findOutcome(db: Kysely<Database>, registrationId: number) {
  return db
    .selectFrom('parcours_outcome')
    .select(['kind', 'outcome_date'])
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
}

/** Writes (or overwrites) what came next for one participant. */
export async function upsertOutcome(
  db: Kysely<Database>,
  outcome: { registrationId: number; kind: ParcoursOutcomeKind; date: string; by: string; at: string },
): Promise<void> {
  await db
    .insertInto('parcours_outcome')
    .values({
      registration_id: outcome.registrationId,
      kind: outcome.kind,
      outcome_date: outcome.date,
      recorded_by: outcome.by,
      recorded_at: outcome.at,
    })
    .onConflict((oc) =>
      oc.column('registration_id').doUpdateSet({
        kind: outcome.kind,
        outcome_date: outcome.date,
        recorded_by: outcome.by,
        recorded_at: outcome.at,
      }),
    )
    .execute();
}

/**
 * Accepted registrations of professionals who asked to be kept informed and have not been yet,
 * on sessions that have started and were not cancelled.
 */
export async function prescribersToInform(db: Kysely<Database>, startedBefore: string) {
  return db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select(['registration.id', 'registration.person_id', 'event_copy.slots_json'])
    .where('registration.prescriber_keep_informed', '=', 1)
    .where('registration.prescriber_informed_at', 'is', null)
    .where('registration.source_type', '=', 'prescriber')
    .where('registration.prescriber_email', 'is not', null)
    .where('registration.status', '=', 'accepted')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.first_slot_at', '<', startedBefore)
    .execute();
}

export async function attendanceOfRegistration(db: Kysely<Database>, registrationId: number) {
  return db
    .selectFrom('attendance')
    .select(['slot_date', 'slot_start', 'status'])
    .where('registration_id', '=', registrationId)
    .execute();
}

/**
 * Claims the end-of-Parcours message of one registration (a conditional UPDATE: exactly one
 * instance wins). True when this call claimed it.
 */
export async function claimPrescriberInformed(
  db: Kysely<Database>,
  registrationId: number,
  at: string,
): Promise<boolean> {
  const claimed = await db
    .updateTable('registration')
    .set({ prescriber_informed_at: at })
    .where('id', '=', registrationId)
    .where('prescriber_informed_at', 'is', null)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}
