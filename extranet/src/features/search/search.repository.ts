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
 * People whose name holds every typed word — as a word, the start of one, or one edit away (the
 * keys of search.rules.ts) — the closest first (a rough rank: the service ranks them exactly).
 */
export async function peopleByName(db: Kysely<Database>, viewer: Viewer, words: WordLookup[], limit: number) {
  const matched = words.slice(0, 1).map((w, i) =>
    db
      .selectFrom('person_search_key')
      .select([
        'person_search_key.person_id',
        sql<number>`min(case when person_search_key.key = ${w.exact} then 0 ${
          w.prefix
            ? sql`when person_search_key.key >= ${w.prefix.from} and person_search_key.key < ${w.prefix.to} then 1`
            : sql``
        } else 2 end)`.as('r'),
      ])
      .where(keyMatches(w))
      .groupBy('person_search_key.person_id')
      .as(`w${i}`),
  );
  const [first] = matched;
  if (!first) return [];
  // From the few people the first (longest) word's keys name to their rows: a CROSS JOIN keeps
  // SQLite from starting with every person of the viewer's territories instead (PostgreSQL plans
  // it either way). The other words are checked on each of those people's own keys; the service
  // ranks by all the words.
  // biome-ignore lint/suspicious/noExplicitAny: a derived table aliased at run time
  const q = db.selectFrom(first) as any;
  const rank = sql.ref('w0.r');
  return q
    .crossJoin('person')
    .whereRef('person.id', '=', 'w0.person_id')
    .select([...PERSON_COLUMNS])
    .where(personScope(viewer))
    .where('person.erased_at', 'is', null)
    .where((eb: ExpressionBuilder<Database, 'person'>) =>
      eb.and(
        words
          .slice(1)
          .map((w) =>
            eb.exists(
              eb
                .selectFrom('person_search_key')
                .select(sql`1`.as('one'))
                .whereRef('person_search_key.person_id', '=', 'person.id')
                .where(keyMatches(w)),
            ),
          ),
      ),
    )
    .orderBy(sql`${rank}`)
    .orderBy(sql`lower(coalesce(person.last_name, person.first_name))`)
    .orderBy('person.id')
    .limit(limit)
    .execute() as Promise<
    {
      id: number;
      first_name: string;
      last_name: string | null;
      phone: string;
      email: string | null;
      territory: string | null;
      commune_name: string | null;
    }[]
  >;
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
