import { now } from '@maillage/platform/clock';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type {
  AppointmentTable,
  AttendanceTable,
  Database,
  NoteTable,
  ParcoursOutcomeTable,
  PersonTable,
  RegistrationTable,
  SupportPhaseTable,
  SupportTable,
} from '../../db/database.ts';
import { insertPerson } from '../persons/persons.repository.ts';

// Every write of the demo data, and the markers that make each demo step run once.

type Db = Kysely<Database> | Transaction<Database>;

/** The marker's value, when the step already ran. */
export async function markerOf(db: Kysely<Database>, key: string): Promise<string | undefined> {
  return (await db.selectFrom('app_state').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

/**
 * Writes the marker. False when it was already there: two instances starting together, the
 * first one to write it does the step (claimed first, in the step's transaction).
 */
export async function claimMarker(
  db: Db,
  key: string,
  value: string = now().toISOString(),
): Promise<boolean> {
  const row = await db
    .insertInto('app_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

/** Someone with this phone number, if any (a phone number need not be unique: a family phone). */
export async function findPersonByPhone(db: Db, phone: string) {
  return db.selectFrom('person').select('id').where('phone', '=', phone).executeTakeFirst();
}

/**
 * A demo person's record: no e-mail, reached by phone, consent given when the record was made;
 * the last contact (and the last change) is `lastContactAt`, else that same instant.
 */
export async function insertDemoPerson(
  db: Db,
  p: {
    firstName: string;
    lastName: string;
    phone: string;
    commune: { insee: string; name: string };
    territory: string;
    rsa: string;
    jobSeeker: string;
    createdAt: string;
    lastContactAt?: string;
  },
): Promise<number> {
  const last = p.lastContactAt ?? p.createdAt;
  const row: Insertable<PersonTable> = {
    first_name: p.firstName,
    last_name: p.lastName,
    phone: p.phone,
    email: null,
    commune_insee: p.commune.insee,
    commune_name: p.commune.name,
    territory: p.territory,
    situation_rsa: p.rsa,
    situation_job_seeker: p.jobSeeker,
    preferred_contact: 'appel',
    consent_at: p.createdAt,
    last_contact_at: last,
    created_at: p.createdAt,
    updated_at: last,
  };
  return insertPerson(db, row);
}

export async function insertRegistration(db: Db, row: Insertable<RegistrationTable>): Promise<number> {
  return (await db.insertInto('registration').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertAttendance(
  db: Db,
  rows: Insertable<AttendanceTable> | Insertable<AttendanceTable>[],
): Promise<void> {
  await db.insertInto('attendance').values(rows).execute();
}

export async function insertParcoursOutcome(db: Db, row: Insertable<ParcoursOutcomeTable>): Promise<void> {
  await db.insertInto('parcours_outcome').values(row).execute();
}

export async function insertSupport(db: Db, row: Insertable<SupportTable>): Promise<number> {
  return (await db.insertInto('support').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function insertSupportPhase(db: Db, row: Insertable<SupportPhaseTable>): Promise<void> {
  await db.insertInto('support_phase').values(row).execute();
}

export async function insertNote(db: Db, row: Insertable<NoteTable>): Promise<void> {
  await db.insertInto('note').values(row).execute();
}

/** A past session: the CMS does not publish it (the next refresh would say the same). Kept, and counted. */
export async function markEventRemoved(db: Db, documentId: string): Promise<void> {
  await db.updateTable('event_copy').set({ removed: 1 }).where('document_id', '=', documentId).execute();
}

/** The demo's appointments, in one statement. */
export async function insertAppointments(db: Db, rows: Insertable<AppointmentTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('appointment').values(rows).execute();
}

/** A demo person's id and territory, by their (fictitious) phone number. */
export async function findDemoPerson(db: Db, phone: string) {
  return db.selectFrom('person').select(['id', 'territory']).where('phone', '=', phone).executeTakeFirst();
}
