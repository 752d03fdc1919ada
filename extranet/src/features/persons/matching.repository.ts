import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { NewPersonIdentity } from './persons.rules.ts';

/**
 * Who a request or a new entry is: the queries that look a person up by phone, e-mail or name (the
 * intake, the request's contact check, manual entry's duplicates).
 */

/** Whoever has this phone number, whatever their territory (the intake attaches by phone). */
export async function findPhoneOwner(db: Kysely<Database>, phone: string) {
  return db.selectFrom('person').select(['id', 'territory']).where('phone', '=', phone).executeTakeFirst();
}

/** Everyone with this phone number, oldest first. */
export async function peopleWithPhone(db: Kysely<Database>, phone: string) {
  return db
    .selectFrom('person')
    .select(['id', 'first_name'])
    .where('phone', '=', phone)
    .orderBy('id')
    .execute();
}

/**
 * PostgreSQL: holds a lock on one phone number until the transaction ends, so two requests with a
 * new number at once do not both create a person (SQLite transactions run one at a time).
 */
export async function lockPhone(db: Kysely<Database>, phone: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`person-phone:${phone}`}))`.execute(db);
}

/** The contact columns of a person's record (what a request's own details are compared with). */
const CONTACT_COLUMNS = [
  'person.id',
  'person.first_name',
  'person.last_name',
  'person.phone',
  'person.email',
  'person.commune_insee',
  'person.commune_name',
  'person.territory',
  'person.situation_rsa',
  'person.situation_job_seeker',
] as const;

/** A person's contact columns; locked until the end of the transaction on PostgreSQL when asked. */
export async function personContact(db: Kysely<Database>, id: number, lock?: DbKind) {
  let q = db
    .selectFrom('person')
    .select([...CONTACT_COLUMNS])
    .where('id', '=', id);
  if (lock === 'postgres') q = q.forUpdate();
  return q.executeTakeFirstOrThrow();
}

/**
 * People a request could belong to instead of `notPersonId`: same phone, same e-mail or same first
 * and last name, among those of these territories (by where they live or a request of theirs;
 * null: everyone). At most 10.
 */
export async function personsMatching(
  db: Kysely<Database>,
  match: {
    notPersonId: number;
    phone: string | null;
    email: string | null;
    first: string;
    last: string | null;
  },
  territories: string[] | null,
) {
  const { phone, email, first, last } = match;
  let q = db
    .selectFrom('person')
    .select([...CONTACT_COLUMNS])
    .where('person.id', '!=', match.notPersonId)
    .where((eb) =>
      eb.or([
        ...(phone ? [eb('person.phone', '=', phone)] : []),
        ...(email ? [eb('person.email', '=', email)] : []),
        ...(last
          ? [
              eb.and([
                eb(sql`lower(person.first_name)`, '=', first.toLocaleLowerCase('fr')),
                eb(sql`lower(person.last_name)`, '=', last.toLocaleLowerCase('fr')),
              ]),
            ]
          : []),
      ]),
    );
  if (territories) {
    q = q.where((eb) =>
      eb.or([
        eb('person.territory', 'in', territories),
        eb.exists(
          eb
            .selectFrom('registration as other')
            .select(sql`1`.as('one'))
            .whereRef('other.person_id', '=', 'person.id')
            .where('other.territory', 'in', territories),
        ),
      ]),
    );
  }
  return q.orderBy('person.id').limit(10).execute();
}

/**
 * People the viewer may see who might be the one an advisor is about to record: the same phone
 * number, or the same commune (the name is compared by persons.rules.ts).
 */
export async function duplicateCandidates(
  db: Kysely<Database>,
  viewer: Viewer,
  candidate: NewPersonIdentity,
) {
  return db
    .selectFrom('person')
    .select(['id', 'first_name', 'last_name', 'phone', 'commune_insee', 'commune_name'])
    .where(personScope(viewer))
    .where((eb) =>
      eb.or([
        eb('person.phone', '=', candidate.phone),
        ...(candidate.communeInsee ? [eb('person.commune_insee', '=', candidate.communeInsee)] : []),
        ...(!candidate.communeInsee && candidate.communeName
          ? [eb(sql`lower(person.commune_name)`, '=', candidate.communeName.toLowerCase())]
          : []),
      ]),
    )
    .limit(5000)
    .execute();
}
