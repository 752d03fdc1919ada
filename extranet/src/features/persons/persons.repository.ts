import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { type ExpressionBuilder, type Insertable, type Kysely, sql } from 'kysely';
import type { Database, Person, PersonTable } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { PersonFilters } from './persons.rules.ts';

/** The person table and what hangs off a person's file; plain functions, rows as the tables hold them. */

export async function findPerson(db: Kysely<Database>, id: number): Promise<Person | undefined> {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The person, if the viewer may see them (their territory scope). */
export async function findPersonInScope(
  db: Kysely<Database>,
  viewer: Viewer,
  id: number,
): Promise<Person | undefined> {
  return db
    .selectFrom('person')
    .selectAll()
    .where('id', '=', id)
    .where(personScope(viewer))
    .executeTakeFirst();
}

export async function insertPerson(db: Kysely<Database>, values: Insertable<PersonTable>): Promise<number> {
  const row = await db.insertInto('person').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Deletes the person when no request, note, support or document refers to them; true when deleted. */
export async function deletePersonIfUnreferenced(db: Kysely<Database>, id: number): Promise<boolean> {
  const removed = await db
    .deleteFrom('person')
    .where('id', '=', id)
    .where(({ and, not, exists, selectFrom }) =>
      and(
        (['registration', 'note', 'support', 'document'] as const).map((table) =>
          not(
            exists(
              selectFrom(table).select(sql`1`.as('one')).whereRef(`${table}.person_id`, '=', 'person.id'),
            ),
          ),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}

export async function setLastContact(db: Kysely<Database>, personId: number, at: string): Promise<void> {
  await db.updateTable('person').set({ last_contact_at: at }).where('id', '=', personId).execute();
}

/** Changed columns of a person's record, with the time of the change. */
export async function updatePersonRow(
  db: Kysely<Database>,
  id: number,
  values: Partial<Person>,
  at: string,
): Promise<void> {
  await db
    .updateTable('person')
    .set({ ...values, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function deletePerson(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('person').where('id', '=', id).execute();
}

/** Moves every row of a person's history in `table` to another person; returns how many moved. */
export async function moveHistory(
  db: Kysely<Database>,
  table: 'registration' | 'support' | 'note' | 'audit_log',
  fromId: number,
  toId: number,
): Promise<number> {
  const result = await db
    .updateTable(table)
    .set({ person_id: toId })
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A person's supports, newest first, with their advisor's name. */
export async function supportsOfPerson(db: Kysely<Database>, personId: number) {
  return db
    .selectFrom('support')
    .leftJoin('users', 'users.id', 'support.advisor_id')
    .select([
      'support.id',
      'support.phase',
      'support.started_at',
      'support.ended_at',
      'support.outcome',
      'support.activity_name',
      'support.end_reason',
      'support.advisor_id',
      'support.registration_id',
      'users.name as advisor_name',
    ])
    .where('support.person_id', '=', personId)
    .orderBy('support.id', 'desc')
    .execute();
}

/** The five accounts that wrote the most recent notes about a person. */
export async function recentNoteAuthors(db: Kysely<Database>, personId: number) {
  return db
    .selectFrom('note')
    .innerJoin('users', 'users.id', 'note.author_id')
    .select(['users.id', 'users.name'])
    .where('note.person_id', '=', personId)
    .groupBy(['users.id', 'users.name'])
    .orderBy(sql`max(note.occurred_at)`, 'desc')
    .limit(5)
    .execute();
}

/** A person's accepted support requests. */
export async function acceptedSupportRequests(db: Kysely<Database>, personId: number) {
  return db
    .selectFrom('registration')
    .select(['id', 'reference', 'kind', 'status'])
    .where('person_id', '=', personId)
    .where('kind', '=', 'support')
    .where('status', '=', 'accepted')
    .execute();
}

/** One page of the person list (search, territory, situation, in support, last contact) and the total. */
export async function searchPersons(
  db: Kysely<Database>,
  viewer: Viewer,
  f: PersonFilters,
  page: { limit: number; offset: number },
) {
  // Erased people (retention, or on request) stay only for the indicators, not in the list.
  let base = db.selectFrom('person').where(personScope(viewer)).where('person.erased_at', 'is', null);
  if (f.territory) base = base.where('person.territory', '=', f.territory);
  if (f.situation === 'rsa') base = base.where('person.situation_rsa', '=', 'oui');
  if (f.situation === 'demandeur') base = base.where('person.situation_job_seeker', '=', 'oui');
  if (f.accompagnement) {
    const open = (eb: ExpressionBuilder<Database, 'person'>) =>
      eb.exists(
        eb
          .selectFrom('support')
          .select('support.id')
          .whereRef('support.person_id', '=', 'person.id')
          .where('support.ended_at', 'is', null),
      );
    base = f.accompagnement === 'oui' ? base.where(open) : base.where((eb) => eb.not(open(eb)));
  }
  if (f.contact) {
    const today = parisDate();
    if (f.contact === 'plus') {
      base = base.where('person.last_contact_at', '<', parisInstant(addDays(today, -365)).toISOString());
    } else {
      base = base.where(
        'person.last_contact_at',
        '>=',
        parisInstant(addDays(today, -Number(f.contact))).toISOString(),
      );
    }
  }
  if (f.q) {
    const phone = normaliseFrenchPhone(f.q);
    const digits = f.q.replace(/\D/g, '');
    const term = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
    base = base.where((w) =>
      w.or([
        w(
          sql`lower(coalesce(person.last_name, '') || ' ' || person.first_name || ' ' || coalesce(person.last_name, ''))`,
          'like',
          term,
        ),
        ...(phone ? [w('person.phone', '=', phone)] : []),
        ...(digits.length >= 4 && !phone ? [w('person.phone', 'like', `%${digits.replace(/^0/, '')}%`)] : []),
      ]),
    );
  }
  const rows = await base
    .select([
      'person.id',
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.territory',
      'person.commune_name',
      'person.last_contact_at',
      sql<number>`count(*) over ()`.as('total'),
      sql<
        string | null
      >`(select s.phase from support s where s.person_id = person.id and s.ended_at is null order by s.id desc limit 1)`.as(
        'open_phase',
      ),
    ])
    .orderBy(sql`lower(coalesce(person.last_name, person.first_name))`)
    .orderBy('person.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = rows.length
    ? Number(rows[0]?.total)
    : page.offset === 0
      ? 0
      : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { items: rows.map(({ total: _t, ...r }) => r), total };
}
