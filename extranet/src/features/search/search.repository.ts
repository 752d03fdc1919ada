import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { personScope, registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { WordLookup } from './search.rules.ts';

/*
 * The global search's queries: every one scoped to what the viewer may see (scope.repository.ts),
 * erased people left out, each capped at `limit` rows (the caller asks one more than it shows to
 * know there are more).
 */

/** The keys of one typed word: itself, the words it starts, and those one edit away. */
function keyMatches(w: WordLookup) {
  return (eb: ExpressionBuilder<Database, 'person_search_key'>) =>
    eb.or([
      eb('person_search_key.key', 'in', [w.exact, ...w.fuzzy]),
      ...(w.prefix
        ? [
            eb.and([
              eb('person_search_key.key', '>=', w.prefix.from),
              eb('person_search_key.key', '<', w.prefix.to),
            ]),
          ]
        : []),
    ]);
}

/**
 * The people whose name holds every one of these words (as the global search reads them): a
 * condition on `person`, for the person list's search.
 */
export function nameMatches(words: WordLookup[]) {
  return (eb: ExpressionBuilder<Database, 'person'>) =>
    eb.and(
      words.map((w) =>
        eb(
          'person.id',
          'in',
          eb.selectFrom('person_search_key').select('person_search_key.person_id').where(keyMatches(w)),
        ),
      ),
    );
}

const PERSON_COLUMNS = [
  'person.id',
  'person.first_name',
  'person.last_name',
  'person.phone',
  'person.email',
  'person.territory',
  'person.commune_name',
] as const;

/**
 * The ids of people whose name holds every typed word — as a word, the start of one, or one edit
 * away (the keys of search.rules.ts) — with a rough rank (0 all exact, more for starts and typos),
 * best first, at most `cap`. From the keys only, whatever the territory: `peopleByIds` then reads
 * the rows, and the service keeps those the viewer may see. Two steps, because a join lets either planner start from a
 * territory's every person rather than from the few the keys name.
 */
export async function idsByName(db: Kysely<Database>, words: WordLookup[], cap: number) {
  const [first, ...others] = words;
  if (!first) return [];
  const rows = await db
    .selectFrom('person_search_key')
    .select([
      'person_search_key.person_id',
      sql<number>`min(case when person_search_key.key = ${first.exact} then 0 ${
        first.prefix
          ? sql`when person_search_key.key >= ${first.prefix.from} and person_search_key.key < ${first.prefix.to} then 1`
          : sql``
      } else 2 end)`.as('r'),
    ])
    .where(keyMatches(first))
    .where((eb) =>
      eb.and(
        others.map((w) =>
          eb.exists(
            eb
              .selectFrom('person_search_key as other')
              .select(sql`1`.as('one'))
              .whereRef('other.person_id', '=', 'person_search_key.person_id')
              .where((o) =>
                o.or([
                  o('other.key', 'in', [w.exact, ...w.fuzzy]),
                  ...(w.prefix
                    ? [o.and([o('other.key', '>=', w.prefix.from), o('other.key', '<', w.prefix.to)])]
                    : []),
                ]),
              ),
          ),
        ),
      ),
    )
    .groupBy('person_search_key.person_id')
    .orderBy('r')
    .orderBy('person_search_key.person_id')
    .limit(cap)
    .execute();
  return rows.map((r) => ({ id: r.person_id, rank: Number(r.r) }));
}

/**
 * These people's rows (not erased), by their ids only: the caller keeps those the viewer may see
 * (`canSeeTerritory`, the same rule as personScope). With the territory in the query, SQLite
 * would read a territory's every person through its index instead of these few by their key.
 */
export async function peopleByIds(db: Kysely<Database>, ids: number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('person')
    .select([...PERSON_COLUMNS])
    .where('person.id', 'in', ids)
    .where('person.erased_at', 'is', null)
    .execute();
}

/**
 * How many keys answer a typed word, counted up to `cap`: the rarest word is the one to start
 * from (a common first name names thousands of people, a last name a few dozen).
 */
export async function wordFrequency(db: Kysely<Database>, w: WordLookup, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('person_search_key')
        .select('person_search_key.person_id')
        .where(keyMatches(w))
        .limit(cap)
        .as('k'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** People with this phone number, this e-mail or this number (their id). */
export async function peopleByContact(
  db: Kysely<Database>,
  viewer: Viewer,
  by: { phone: string } | { email: string } | { id: number },
  limit: number,
) {
  let q = db
    .selectFrom('person')
    .select([...PERSON_COLUMNS])
    .where(personScope(viewer))
    .where('person.erased_at', 'is', null);
  if ('phone' in by) q = q.where('person.phone', '=', by.phone);
  else if ('email' in by) q = q.where('person.email', '=', by.email);
  else q = q.where('person.id', '=', by.id);
  return q.orderBy('person.id').limit(limit).execute();
}

/** Requests with this reference, or of these people (newest first), with their person and session. */
export async function requestsFound(
  db: Kysely<Database>,
  viewer: Viewer,
  by: { reference: string } | { personIds: number[] },
  limit: number,
) {
  if ('personIds' in by && by.personIds.length === 0) return [];
  let q = db
    .selectFrom('registration')
    // CROSS JOIN: SQLite starts from the requests asked for, not from a territory's people
    .crossJoin('person')
    .whereRef('person.id', '=', 'registration.person_id')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.kind',
      'registration.status',
      'registration.created_at',
      'registration.person_id',
      'person.first_name',
      'person.last_name',
      'event_copy.title as event_title',
    ])
    .where(registrationScope(viewer));
  q =
    'reference' in by
      ? q.where('registration.reference', '=', by.reference)
      : q.where('registration.person_id', 'in', by.personIds);
  return q
    .orderBy('registration.created_at', 'desc')
    .orderBy('registration.id', 'desc')
    .limit(limit)
    .execute();
}

/** Supports of these people the viewer may see (by their person's territory), open ones first. */
export async function supportsFound(
  db: Kysely<Database>,
  viewer: Viewer,
  personIds: number[],
  limit: number,
) {
  if (personIds.length === 0) return [];
  return (
    db
      .selectFrom('support')
      // CROSS JOIN: SQLite starts from these people's supports, not from a territory's people
      .crossJoin('person')
      .whereRef('person.id', '=', 'support.person_id')
      .leftJoin('users', 'users.id', 'support.advisor_id')
      .select([
        'support.id',
        'support.phase',
        'support.started_at',
        'support.ended_at',
        'support.person_id',
        'person.first_name',
        'person.last_name',
        'users.name as advisor_name',
      ])
      .where(personScope(viewer))
      .where('support.person_id', 'in', personIds)
      .orderBy(sql`case when support.ended_at is null then 0 else 1 end`)
      .orderBy('support.started_at', 'desc')
      .limit(limit)
      .execute()
  );
}

/**
 * The sessions the viewer may see (their territories; admins all), newest first, at most `limit`:
 * the service matches their titles (a few hundred a year, folded in TypeScript as names are).
 */
export async function sessionTitles(db: Kysely<Database>, viewer: Viewer, limit: number) {
  let q = db
    .selectFrom('event_copy')
    .select(['document_id', 'title', 'program_title', 'first_slot_at', 'territory_name', 'cancelled']);
  if (viewer.role !== 'admin') {
    if (!viewer.territories.length) return [];
    q = q.where('territory', 'in', viewer.territories);
  }
  return q.orderBy('first_slot_at', 'desc').orderBy('document_id').limit(limit).execute();
}
