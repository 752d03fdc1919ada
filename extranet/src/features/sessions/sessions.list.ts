import { parisDate } from '@maillage/platform/clock';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { memo } from '../../db/memo.ts';
import type { Viewer } from '../auth/viewer.ts';
import { type HalfDay, halfDays } from './half-days.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionSummary {
  id: string;
  title: string;
  territory: string | null;
  territoryName: string | null;
  programKind: string | null;
  halfDays: HalfDay[];
  firstDate: string | null;
  lastDate: string | null;
  capacity: number;
  accepted: number;
  waitlisted: number;
  cancelled: boolean;
}

export interface SessionFilters {
  when: 'a-venir' | 'passees';
  q?: string | undefined;
  territory?: string | undefined;
  page: number;
  pageSize: number;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

/**
 * The sessions a viewer may see (by the session's territory; admins all), upcoming (not finished
 * yet, soonest first) or past (latest first), searched by title, one page of them with their
 * accepted and waiting counts. Sessions are a few hundred at most: they are filtered in memory,
 * the counts are one grouped query on the (event_id, status) index for the page shown.
 */
export async function listSessions(db: Db, viewer: Viewer, filters: SessionFilters) {
  if (viewer.role !== 'admin' && !viewer.territories.length)
    return { items: [] as SessionSummary[], total: 0, pages: 1 };
  // The scoped sessions with their parsed half-days change only with the CMS copy (whose refresh
  // clears the memo): kept 30 s per scope, so a list view does not parse every session's slots.
  const scopeKey = viewer.role === 'admin' ? 'admin' : [...viewer.territories].sort().join(',');
  const all = await memo(`sessions:${scopeKey}`, 30_000, () => scopedSessions(db, viewer));
  const today = parisDate();
  const needle = filters.q ? fold(filters.q.trim()) : '';
  const rows = all
    .filter(({ e }) => !filters.territory || e.territory === filters.territory)
    .filter(({ last }) =>
      filters.when === 'a-venir' ? last === null || last >= today : last !== null && last < today,
    )
    .filter(({ folded }) => !needle || folded.includes(needle))
    .sort((a, b) =>
      filters.when === 'a-venir'
        ? (a.first ?? '9999').localeCompare(b.first ?? '9999') || a.e.title.localeCompare(b.e.title)
        : (b.last ?? '').localeCompare(a.last ?? '') || a.e.title.localeCompare(b.e.title),
    );
  const total = rows.length;
  const pages = Math.max(1, Math.ceil(total / filters.pageSize));
  const page = rows.slice((filters.page - 1) * filters.pageSize, filters.page * filters.pageSize);
  const counts = await countByStatus(
    db,
    page.map((r) => r.e.document_id),
  );
  const items: SessionSummary[] = page.map(({ e, days, first, last }) => ({
    id: e.document_id,
    title: e.title,
    territory: e.territory,
    territoryName: e.territory_name,
    programKind: e.program_kind,
    halfDays: days,
    firstDate: first,
    lastDate: last,
    capacity: e.capacity,
    accepted: counts.get(`${e.document_id}:accepted`) ?? 0,
    waitlisted: counts.get(`${e.document_id}:waitlisted`) ?? 0,
    cancelled: Boolean(e.cancelled),
  }));
  return { items, total, pages };
}

async function scopedSessions(db: Db, viewer: Viewer) {
  let q = db
    .selectFrom('event_copy')
    .select([
      'document_id',
      'title',
      'territory',
      'territory_name',
      'program_kind',
      'slots_json',
      'capacity',
      'cancelled',
    ])
    .where((eb) =>
      eb.or([
        eb('removed', '=', 0),
        eb.exists(
          eb
            .selectFrom('registration')
            .select(sql`1`.as('one'))
            .whereRef('registration.event_id', '=', 'event_copy.document_id'),
        ),
      ]),
    );
  if (viewer.role !== 'admin') q = q.where('territory', 'in', viewer.territories);
  return (await q.execute()).map((e) => {
    const days = halfDays(e);
    return { e, days, first: days[0]?.date ?? null, last: days.at(-1)?.date ?? null, folded: fold(e.title) };
  });
}

async function countByStatus(db: Db, eventIds: string[]): Promise<Map<string, number>> {
  if (!eventIds.length) return new Map();
  const rows = await db
    .selectFrom('registration')
    .select(['event_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', 'in', eventIds)
    .where('status', 'in', ['accepted', 'waitlisted'])
    .groupBy(['event_id', 'status'])
    .execute();
  return new Map(rows.map((r) => [`${r.event_id}:${r.status}`, Number(r.n)]));
}
