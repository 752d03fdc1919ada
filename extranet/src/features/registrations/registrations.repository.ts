import type { RegistrationStatus } from '@maillage/contract';
import type { Insertable, Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database, RegistrationTable } from '../../db/database.ts';
import { registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

/**
 * The registration requests' writes and single-request reads (the inbox's lists are in
 * inbox.repository.ts): plain functions, rows as the tables hold them. `lock`: on PostgreSQL the
 * row stays locked (SELECT … FOR UPDATE) until the caller's transaction ends.
 */

/** Next value of a named counter, atomically (row lock on PostgreSQL, single writer on SQLite). */
export async function nextCounter(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db
    .insertInto('counter')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counter.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function findByIdempotencyKey(db: Kysely<Database>, key: string) {
  return db
    .selectFrom('registration')
    .select(['reference', 'status'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function findByReference(db: Kysely<Database>, reference: string) {
  return db
    .selectFrom('registration')
    .select(['id', 'person_id'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
}

export async function insertRegistration(
  db: Kysely<Database>,
  values: Insertable<RegistrationTable>,
): Promise<number> {
  const row = await db.insertInto('registration').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Where a request stands before a decision: its session and territory. */
export async function findEventAndTerritory(db: Kysely<Database>, id: number) {
  return db
    .selectFrom('registration')
    .select(['event_id', 'territory'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The request a decision is taken on, with its person's first name and e-mail. */
export async function findForDecision(db: Kysely<Database>, id: number, lock?: DbKind) {
  let q = db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'registration.id',
      'registration.status',
      'registration.kind',
      'registration.reference',
      'registration.person_id',
      'registration.preferred_contact',
      'registration.prescriber_email',
      'person.first_name',
      'person.email',
    ])
    .where('registration.id', '=', id);
  if (lock === 'postgres') q = q.forUpdate('registration');
  return q.executeTakeFirstOrThrow();
}

/** Records a decision, only if the status is still `from`; true when it was. */
export async function setDecision(
  db: Kysely<Database>,
  d: {
    id: number;
    from: RegistrationStatus;
    status: RegistrationStatus;
    reason: string | null;
    by: string;
    at: string;
  },
): Promise<boolean> {
  const updated = await db
    .updateTable('registration')
    .set({
      status: d.status,
      decision_reason: d.reason,
      decided_by: d.by,
      decided_at: d.at,
      updated_at: d.at,
    })
    .where('id', '=', d.id)
    .where('status', '=', d.from)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The first request on a session's waiting list (in order of arrival), among the viewer's if given. */
export async function firstWaiting(db: Kysely<Database>, eventId: string, viewer?: Viewer) {
  let q = db
    .selectFrom('registration')
    .select(['id', 'reference'])
    .where('event_id', '=', eventId)
    .where('status', '=', 'waitlisted');
  if (viewer) q = q.where(registrationScope(viewer));
  return q.orderBy('created_at').orderBy('id').executeTakeFirst();
}

/** Accepted and waiting requests per session and status. */
export async function countByEventAndStatus(db: Kysely<Database>, eventIds: string[]) {
  return db
    .selectFrom('registration')
    .select(['event_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', 'in', eventIds)
    .where('status', 'in', ['accepted', 'waitlisted'])
    .groupBy(['event_id', 'status'])
    .execute();
}

/** A request's own contact details (its `contact_…` columns), with what the contact pages check. */
export async function findRequestContact(db: Kysely<Database>, id: number, lock?: DbKind) {
  let q = db
    .selectFrom('registration')
    .select([
      'id',
      'person_id',
      'territory',
      'created_at',
      'preferred_contact',
      'contact_first_name',
      'contact_last_name',
      'contact_phone',
      'contact_email',
      'contact_commune_insee',
      'contact_commune_name',
      'contact_situation_rsa',
      'contact_situation_job_seeker',
    ])
    .where('id', '=', id);
  if (lock === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function setPerson(
  db: Kysely<Database>,
  id: number,
  personId: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('registration')
    .set({ person_id: personId, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** The receipts of a request that were held back by the daily cap, with the reason. */
export async function heldMessages(db: Kysely<Database>, registrationId: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'kind', 'last_error', 'created_at'])
    .where('registration_id', '=', registrationId)
    .where('status', '=', 'held')
    .orderBy('id')
    .execute();
}
