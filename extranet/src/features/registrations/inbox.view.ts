import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { memo } from '../../db/memo.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { visibleTerritories } from '../auth/viewer.ts';
import { listEvents } from '../events/events.repository.ts';
import { freedPlaces } from './decision.service.ts';
import { type inboxFilters, listInbox } from './inbox.repository.ts';

/** The inbox's filters other than the search (which is sealed, never in the URL). */
export const INBOX_FILTER_FIELDS = [
  'status',
  'territory',
  'kind',
  'program',
  'event',
  'from',
  'to',
  'sort',
] as const;

/** The inbox's status filter that shows every status (`/demandes` alone shows what awaits a decision). */
export const ALL_STATUSES = 'tous';

/**
 * The inbox's query with its default: no status in the address is what waits for a decision
 * (« Reçue »); `status=tous` is every status. The other filters stay as given.
 */
export function withDefaultStatus(
  query: Record<string, string | undefined>,
): Record<string, string | undefined> {
  if (query.status === undefined || query.status === '') return { ...query, status: 'received' };
  if (query.status === ALL_STATUSES) return { ...query, status: undefined };
  return query;
}

/**
 * What the inbox (pages/demandes/index.astro) shows: a page of requests, the sessions to filter
 * by, the places freed since. Every view of the list is a read of the people on it; a search is
 * recorded with its number of results, never with what was searched.
 */
export async function inboxView(
  db: Kysely<Database>,
  viewer: Viewer,
  filters: ReturnType<typeof inboxFilters.parse>,
) {
  const scopeKey = viewer.role === 'admin' ? 'admin' : [...viewer.territories].sort().join(',');
  const [list, events, freed] = await Promise.all([
    listInbox(db, viewer, filters),
    memo(`events:${scopeKey}`, 30_000, () =>
      listEvents(db, { territories: viewer.role === 'admin' ? null : viewer.territories }),
    ),
    memo(`freed:${scopeKey}`, 5_000, () => freedPlaces(db, viewer)),
  ]);
  await audit(db, {
    actorId: viewer.id,
    action: filters.q ? 'registration.search' : 'registration.list',
    entityType: 'registration',
    details: {
      page: filters.page,
      results: list.total,
      ...(list.more ? { more: true } : {}),
      shown: list.items.length,
      filters: INBOX_FILTER_FIELDS.filter((f) => f !== 'sort' && filters[f] !== undefined),
    },
  });
  const advanced = Boolean(
    filters.territory ||
      filters.kind ||
      filters.program ||
      filters.event ||
      filters.from ||
      filters.to ||
      filters.sort !== 'recent',
  );
  return { ...list, events, freed, territoryChoices: visibleTerritories(viewer), advanced };
}
