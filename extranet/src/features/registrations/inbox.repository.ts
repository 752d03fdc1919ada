import { type RegistrationKind, registrationStatus } from '@maillage/contract';
import * as clock from '@maillage/platform/clock';
import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { type Expression, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import { pageNumber } from '../../db/paging.ts';
import { readByViewer, registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { KIND_LABEL } from './labels.ts';

const optional = <T extends z.ZodType>(s: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Inbox filters, read from the query string (GET form). Invalid values are ignored. */
export const inboxFilters = z.object({
  status: optional(registrationStatus).catch(undefined),
  territory: optional(z.string().max(40)).catch(undefined),
  program: optional(z.enum(['parcours', 'accompagnement', 'formation'])).catch(undefined),
  // The contract's kinds (KIND_LABEL names every one of them, checked by its type).
  kind: optional(z.enum(Object.keys(KIND_LABEL) as [RegistrationKind, ...RegistrationKind[]])).catch(
    undefined,
  ),
  event: optional(z.string().max(64)).catch(undefined),
  from: optional(isoDate).catch(undefined),
  to: optional(isoDate).catch(undefined),
  q: optional(z.string().trim().max(80)).catch(undefined),
  sort: z.enum(['recent', 'oldest', 'name', 'event']).catch('recent'),
  page: pageNumber(),
});
export type InboxFilters = z.infer<typeof inboxFilters>;

type SortKey = [Expression<unknown>, 'asc' | 'desc'];

/**
 * The inbox's one order, for each sort: the keys, then the registration id (`id`: how the query
 * names it) so that equal keys keep a stable order from page to page.
 */
function sortKeys(sort: InboxFilters['sort'], id: 'r.id' | 'registration.id'): SortKey[] {
  const idRef = sql.ref(id);
  if (sort === 'name')
    return [
      [sql`lower(coalesce(person.last_name, person.first_name))`, 'asc'],
      [idRef, 'desc'],
    ];
  if (sort === 'event')
    return [
      [sql.ref('event_copy.first_slot_at'), 'asc'],
      [idRef, 'asc'],
    ];
  const direction = sort === 'oldest' ? 'asc' : 'desc';
  return [
    [sql.ref('registration.created_at'), direction],
    [idRef, direction],
  ];
}

function inOrder<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  keys: SortKey[],
): SelectQueryBuilder<DB, TB, O> {
  return keys.reduce((q, [key, direction]) => q.orderBy(key, direction), query);
}

export const PAGE_SIZE = 25;
/** Matches counted at most per inbox view (`more` says there are more). */
const COUNT_CAP = 200;

/**
 * One page of the inbox: its rows, the number of matches up to `countCap` (`more` when there are
 * more than that), the number of pages when known, and whether a next page may hold rows.
 */
export async function listInbox(
  db: Kysely<Database>,
  viewer: Viewer,
  f: InboxFilters,
  opts: { countCap?: number } = {},
) {
  const phone = f.q ? normaliseFrenchPhone(f.q) : null;
  const digits = f.q ? f.q.replace(/\D/g, '') : '';
  const term = f.q ? `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%` : '';

  // Filters on the registration table only (sub-queries for person and event): the count and the
  // page of ids use the indexes without joining thousands of rows; details are joined for 25 rows.
  let base = db.selectFrom('registration').where(registrationScope(viewer));
  if (f.status) base = base.where('registration.status', '=', f.status);
  if (f.territory) base = base.where('registration.territory', '=', f.territory);
  if (f.kind) base = base.where('registration.kind', '=', f.kind);
  if (f.event) base = base.where('registration.event_id', '=', f.event);
  if (f.from) base = base.where('registration.created_at', '>=', `${f.from}T00:00:00.000Z`);
  if (f.to) base = base.where('registration.created_at', '<=', `${f.to}T23:59:59.999Z`);
  if (f.program) {
    const program = f.program;
    base = base.where('registration.event_id', 'in', (eb) =>
      eb
        .selectFrom('event_copy')
        .select('event_copy.document_id')
        .where('event_copy.program_kind', '=', program),
    );
  }
  if (f.q) {
    const ref = f.q.toUpperCase();
    if (/^MAI-\d{4}-\d{6}$/.test(ref)) {
      // A reference typed in the search box finds that registration.
      base = base.where('registration.reference', '=', ref);
    } else if (phone) {
      // A whole phone number: the people with it, through person_phone_idx.
      base = base.where('registration.person_id', 'in', (eb) =>
        eb.selectFrom('person').select('person.id').where('person.phone', '=', phone),
      );
    } else {
      // A name (or part of a number): a per-registration check of its person (primary key),
      // written as a scalar sub-query so that neither database turns it into a join that reads
      // every person first: the page walks registrations in its order and stops once it is full.
      base = base.where((eb) =>
        eb(
          eb
            .selectFrom('person')
            .select(sql<number>`1`.as('hit'))
            .whereRef('person.id', '=', 'registration.person_id')
            .where((w) =>
              w.or([
                // "last first last" holds both "first last" and "last first".
                w(
                  sql`lower(coalesce(person.last_name, '') || ' ' || person.first_name || ' ' || coalesce(person.last_name, ''))`,
                  'like',
                  term,
                ),
                ...(digits.length >= 4 ? [w('person.phone', 'like', `%${digits.replace(/^0/, '')}%`)] : []),
              ]),
            ),
          'is not',
          null,
        ),
      );
    }
  }

  const offset = (f.page - 1) * PAGE_SIZE;
  // The page of ids is chosen on the registration table in a CTE, then only those 25 rows are
  // joined to their details and put back in the same order. Each sort walks an index in order and
  // stops after the page (cost grows with the page number, not with the table).
  const pageOfIds = () => {
    if (f.sort === 'name') {
      // person first (CROSS JOIN keeps SQLite's loop order): people in name order through
      // person_sort_name_idx, then each one's registrations.
      // The filters are checked per registration walked (EXISTS on the primary key).
      const walk = db
        .selectFrom('person')
        .crossJoin('registration as r')
        .whereRef('r.person_id', '=', 'person.id')
        .where((eb) =>
          eb.exists(base.select('registration.id').where('registration.id', '=', sql.ref<number>('r.id'))),
        )
        .select('r.id as id');
      return inOrder(walk, sortKeys('name', 'r.id')).limit(PAGE_SIZE).offset(offset);
    }
    const walk =
      f.sort === 'event'
        ? base
            .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
            .select('registration.id')
        : base.select('registration.id');
    return inOrder(walk, sortKeys(f.sort, 'registration.id')).limit(PAGE_SIZE).offset(offset);
  };
  // The total is counted up to a cap: past it the page says "plus de 200 demandes". An exact count
  // of every match on every view was what made the inbox slower as the table grew (issue 12).
  const cap = opts.countCap ?? COUNT_CAP;
  const capped = db
    .selectFrom(
      // Counted from the newest, as the default page walks: the rows just read, in the same index.
      inOrder(base.select('registration.id'), sortKeys('recent', 'registration.id'))
        .limit(cap + 1)
        .as('capped'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'));
  const details = db
    .with('page', () => pageOfIds())
    .selectFrom('page')
    // CROSS JOIN: SQLite keeps the 25 ids as the outer loop (with a plain join it may walk the
    // whole registration index in the final order instead, and look each row up in the page).
    .crossJoin('registration')
    .whereRef('registration.id', '=', 'page.id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .leftJoin('registration_read', readByViewer(viewer))
    .select([
      capped.as('total'),
      'registration.id',
      'registration.reference',
      'registration.kind',
      'registration.status',
      'registration.territory',
      'registration.created_at',
      'registration.source_type',
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.email',
      // To flag the requests whose contact details differ from their person's record.
      'registration.contact_first_name',
      'registration.contact_last_name',
      'registration.contact_phone',
      'registration.contact_email',
      'event_copy.title as event_title',
      'event_copy.first_slot_at',
      'registration_read.read_at',
      'registration.first_opened_at',
    ]);
  // The same order as the page (same keys, now on 25 rows).
  const ordered = inOrder(details, sortKeys(f.sort, 'registration.id'));
  const rows = await ordered.execute();
  // Past the last page there is no row to carry the total: count separately (rare).
  const n = rows.length
    ? Number(rows[0]?.total)
    : offset === 0
      ? 0
      : Number((await capped.executeTakeFirstOrThrow()).n);
  const items = rows.map(({ total: _total, ...row }) => row);
  const more = n > cap;
  const total = more ? cap : n;
  // With more than `cap` matches the number of pages is unknown: the pager offers the next page
  // while the pages seen so far are full (the next one may be empty, and then says so).
  const pages = more ? null : Math.max(1, Math.ceil(n / PAGE_SIZE));
  const hasNext = pages === null ? items.length === PAGE_SIZE : f.page < pages;
  return { items, total, more, pages, hasNext };
}

/** One registration with its person and event, or undefined when the viewer may not see it. */
export async function getRegistrationDetail(db: Kysely<Database>, viewer: Viewer, id: number) {
  const row = await db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .selectAll('registration')
    .select([
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.email',
      'person.commune_name',
      'person.commune_insee',
      'person.situation_rsa',
      'person.situation_job_seeker',
      'event_copy.title as event_title',
      'event_copy.capacity as event_capacity',
      'event_copy.slots_json as event_slots_json',
      'event_copy.venue_json as event_venue_json',
      'event_copy.program_title as event_program_title',
      'event_copy.cancelled as event_cancelled',
    ])
    .where('registration.id', '=', id)
    .where(registrationScope(viewer))
    .executeTakeFirst();
  if (!row) return undefined;
  const history = await db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .select(['audit_log.at', 'audit_log.action', 'audit_log.details_json', 'users.name as actor_name'])
    .where('audit_log.entity_type', '=', 'registration')
    .where('audit_log.entity_id', '=', String(id))
    .where('audit_log.action', '!=', 'registration.read')
    .orderBy('audit_log.id')
    .execute();
  const others = await db
    .selectFrom('registration')
    .select(['id', 'reference', 'kind', 'status', 'created_at'])
    .where('person_id', '=', row.person_id)
    .where('id', '!=', id)
    .where(registrationScope(viewer))
    .orderBy('created_at', 'desc')
    .execute();
  return { ...row, history, others };
}

/**
 * The viewer's own read mark, and the request's first opening when nobody opened it yet. Called
 * only once the request was found in the viewer's scope (an advisor of its territory, or an admin):
 * « Nouveau » then goes for everyone.
 */
export async function markRead(db: Kysely<Database>, userId: string, registrationId: number): Promise<void> {
  const at = clock.now().toISOString();
  await db
    .insertInto('registration_read')
    .values({ user_id: userId, registration_id: registrationId, read_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'registration_id']).doNothing())
    .execute();
  await db
    .updateTable('registration')
    .set({ first_opened_at: at })
    .where('id', '=', registrationId)
    .where('first_opened_at', 'is', null)
    .execute();
}
