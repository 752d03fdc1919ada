// Rows the tests write straight into the tables, when the intake API is not what is under test.
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../../src/db/database.ts';
import type { PersonTable } from '../../src/db/tables/registrations.ts';

type PersonFields = Pick<Insertable<PersonTable>, 'first_name' | 'last_name' | 'phone'> &
  Partial<Insertable<PersonTable>>;

/** A person of the Valenciennois (RSA, job seeker, by phone, no email, no commune), every date `at`, then `fields`. */
export function personRow(at: string, fields: PersonFields): Insertable<PersonTable> {
  return {
    email: null,
    commune_insee: null,
    commune_name: null,
    territory: 'valenciennois',
    situation_rsa: 'oui',
    situation_job_seeker: 'oui',
    preferred_contact: 'appel',
    consent_at: at,
    last_contact_at: at,
    created_at: at,
    updated_at: at,
    ...fields,
  };
}

/** Inserts `personRow(at, fields)` and returns its id. */
export async function insertPerson(db: Kysely<Database>, at: string, fields: PersonFields): Promise<number> {
  const row = await db
    .insertInto('person')
    .values(personRow(at, fields))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
