import { type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { Database, SupportTable } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The person's id and territory when the viewer may see them. */
export async function findVisiblePerson(db: Db, viewer: Viewer, personId: number) {
  return db
    .selectFrom('person')
    .select(['id', 'territory'])
    .where('id', '=', personId)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** What starting a support from a request needs to know of the request. */
export async function findRequest(db: Db, registrationId: number) {
  return db
    .selectFrom('registration')
    .select(['id', 'person_id', 'territory', 'kind', 'status'])
    .where('id', '=', registrationId)
    .executeTakeFirst();
}

/** The support started from this request, if any. */
export async function findSupportOfRequest(db: Db, registrationId: number) {
  return db
    .selectFrom('support')
    .select('id')
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
}

/** The person's open support, if any (at most one). */
export async function findOpenSupport(db: Db, personId: number) {
  return db
    .selectFrom('support')
    .select('id')
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

export async function insertSupport(
  db: Db,
  support: {
    person_id: number;
    advisor_id: string;
    phase: SupportTable['phase'];
    started_at: string;
    registration_id: number | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('support')
    .values({
      person_id: support.person_id,
      advisor_id: support.advisor_id,
      phase: support.phase,
      started_at: support.started_at,
      created_at: support.started_at,
      updated_at: support.started_at,
      registration_id: support.registration_id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A dated phase row: a support's history keeps every phase it went through. */
export async function insertPhase(
  db: Db,
  phase: {
    support_id: number;
    phase: SupportTable['phase'];
    started_on: string;
    changed_by: string;
    created_at: string;
  },
): Promise<void> {
  await db.insertInto('support_phase').values(phase).execute();
}

/** The support's latest phase row. */
export async function findLastPhase(db: Db, supportId: number) {
  return db
    .selectFrom('support_phase')
    .select(['phase', 'started_on'])
    .where('support_id', '=', supportId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The support row and its person's territory, when the viewer may see its person. */
export async function findVisibleSupport(db: Db, viewer: Viewer, supportId: number) {
  return db
    .selectFrom('support')
    .innerJoin('person', 'person.id', 'support.person_id')
    .selectAll('support')
    .select('person.territory')
    .where('support.id', '=', supportId)
    .where(personScope(viewer))
    .executeTakeFirst();
}

export async function updateSupport(
  db: Db,
  supportId: number,
  changes: Updateable<SupportTable>,
): Promise<void> {
  await db.updateTable('support').set(changes).where('id', '=', supportId).execute();
}

/** Every account with each of its territories (one row a territory, one with null for none), by name. */
export async function selectAccountsByTerritory(db: Db) {
  return db
    .selectFrom('users')
    .leftJoin('user_territory', 'user_territory.user_id', 'users.id')
    .select(['users.id', 'users.name', 'users.role', 'users.disabled', 'user_territory.territory'])
    .orderBy('users.name')
    .execute();
}

/**
 * The latest contact of each kind with the support's person, as ISO instants (the service keeps the
 * latest): a note (calls and SMS sent by hand write one too), an appointment held, a call or SMS
 * recorded as done in « À appeler », a half-day attended (its date). Each a max over its person index.
 */
function lastNoteAt() {
  return sql<string | null>`(select max(n.occurred_at) from note n where n.person_id = support.person_id)`;
}
function lastHeldAppointmentAt() {
  return sql<
    string | null
  >`(select max(v.starts_at) from appointment v where v.person_id = support.person_id and v.status = 'venu')`;
}
function lastAttendedAt() {
  return sql<string | null>`(select max(t.slot_date) from attendance t
    inner join registration r on r.id = t.registration_id
    where r.person_id = support.person_id and t.status = 'present')`;
}
function lastCallAt() {
  return sql<string | null>`(select max(x.handled_at) from notification x
    inner join registration r on r.id = x.registration_id
    where r.person_id = support.person_id and x.call_status = 'done' and x.channel in ('appel', 'sms'))`;
}

/** Supports the viewer may see (by their person's territory), with their person and advisor. */
function supportsOf(db: Kysely<Database>, viewer: Viewer) {
  return db
    .selectFrom('support')
    .innerJoin('person', 'person.id', 'support.person_id')
    .leftJoin('users', 'users.id', 'support.advisor_id')
    .select([
      'person.first_name',
      'person.last_name',
      'person.territory',
      'users.name as advisor_name',
      lastNoteAt().as('last_note_at'),
      lastHeldAppointmentAt().as('last_appointment_at'),
      lastCallAt().as('last_call_at'),
      lastAttendedAt().as('last_attended_on'),
    ])
    .where(personScope(viewer));
}

/** A support with its person, advisor and last note, when the viewer may see it. */
export async function findSupportDetail(db: Kysely<Database>, viewer: Viewer, supportId: number) {
  return supportsOf(db, viewer)
    .selectAll('support')
    .select('person.phone')
    .where('support.id', '=', supportId)
    .executeTakeFirst();
}

/** A support's phases, latest first, with who changed them. */
export async function selectPhases(db: Kysely<Database>, supportId: number) {
  return db
    .selectFrom('support_phase')
    .leftJoin('users', 'users.id', 'support_phase.changed_by')
    .select(['support_phase.phase', 'support_phase.started_on', 'users.name as changed_by_name'])
    .where('support_phase.support_id', '=', supportId)
    .orderBy('support_phase.id', 'desc')
    .execute();
}

/** Open supports the viewer may see (of one advisor when given), in id order. */
export async function selectOpenSupports(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { advisorId?: string | null | undefined; limit?: number },
) {
  let q = supportsOf(db, viewer)
    .select(['support.id', 'support.person_id', 'support.phase', 'support.started_at', 'support.advisor_id'])
    .where('support.ended_at', 'is', null);
  if (options.advisorId) q = q.where('support.advisor_id', '=', options.advisorId);
  return q
    .orderBy('support.id')
    .limit(options.limit ?? 500)
    .execute();
}
