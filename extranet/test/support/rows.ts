// Rows the tests write straight into the tables, when the intake API is not what is under test.
import type { Insertable, Kysely } from 'kysely';
import { benchPerson } from '../../bench/rows.ts';

/** A request row (an accepted event registration from the person unless `fields` say otherwise). */
export { benchRegistration as registrationRow } from '../../bench/rows.ts';

import type { Database } from '../../src/db/database.ts';
import type { PersonTable } from '../../src/db/tables/registrations.ts';

type PersonFields = Pick<Insertable<PersonTable>, 'first_name' | 'last_name' | 'phone'> &
  Partial<Insertable<PersonTable>>;

/** A person of the Valenciennois (RSA, job seeker, by phone, no email, no commune), every date `at`, then `fields`. */
export function personRow(at: string, fields: PersonFields): Insertable<PersonTable> {
  return { ...benchPerson(0, 'valenciennois', at), ...fields };
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
