import { z } from 'zod';
import { firstSlot } from './cms/client.ts';
import type { CmsEvent } from './cms/schemas.ts';
import { type Commune, findCommunes, type TerritoryLike, territoryOfCommune } from './geo/communes.ts';

const PAGE_SIZE = 10;

/** Agenda query string (GET form): anything unexpected is ignored rather than refused. */
const agendaQuery = z.object({
  territoire: z
    .string()
    .max(60)
    .regex(/^[a-z0-9-]*$/)
    .catch(''),
  programme: z
    .string()
    .max(120)
    .regex(/^[a-z0-9-]*$/)
    .catch(''),
  mois: z
    .string()
    .regex(/^(\d{4}-\d{2})?$/)
    .catch(''),
  commune: z.string().max(80).catch(''),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
});
export type AgendaQuery = z.infer<typeof agendaQuery>;

export function parseAgendaQuery(params: URLSearchParams): AgendaQuery {
  const get = (k: string) => params.get(k) ?? undefined;
  return agendaQuery.parse({
    territoire: get('territoire') ?? '',
    programme: get('programme') ?? '',
    mois: get('mois') ?? '',
    commune: (get('commune') ?? '').trim(),
    page: get('page') ?? 1,
  });
}

export interface NearMe {
  query: string;
  commune: Commune | null;
  /** Other communes matching the same text (homonyms or a shared postcode). */
  alternatives: Commune[];
  territory: TerritoryLike | null;
}

/** The commune typed in "near me" and its territory among `territories` (the CMS's). */
export function resolveNearMe(query: string, territories: readonly TerritoryLike[]): NearMe | null {
  if (!query) return null;
  const found = findCommunes(query, 6);
  const commune = found[0] ?? null;
  return {
    query,
    commune,
    alternatives: found.slice(1),
    territory: commune ? territoryOfCommune(commune, territories) : null,
  };
}

/** Months (YYYY-MM) that have at least one session, for the month filter. */
export function monthsOf(events: CmsEvent[]): string[] {
  return [...new Set(events.map((e) => firstSlot(e).date.slice(0, 7)))].sort();
}

/**
 * Applies the filters; with a "near me" territory, that territory's sessions come first
 * (the others follow, still in date order).
 */
export function filterEvents(
  events: CmsEvent[],
  q: AgendaQuery,
  nearTerritorySlug: string | null,
): CmsEvent[] {
  const filtered = events.filter(
    (e) =>
      (!q.territoire || e.territory?.slug === q.territoire) &&
      (!q.programme || e.program?.slug === q.programme) &&
      (!q.mois || e.slots.some((s) => s.date.startsWith(q.mois))),
  );
  if (!nearTerritorySlug) return filtered;
  const near = filtered.filter((e) => e.territory?.slug === nearTerritorySlug);
  const far = filtered.filter((e) => e.territory?.slug !== nearTerritorySlug);
  return [...near, ...far];
}

/** The `?page=` of a list page: a whole number from 1, else the first page. */
export function requestedPage(url: URL): number {
  const requested = Number(url.searchParams.get('page') ?? '1');
  return Number.isInteger(requested) && requested > 0 ? requested : 1;
}

export function paginate<T>(items: T[], page: number, size = PAGE_SIZE) {
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pageCount);
  return {
    items: items.slice((current - 1) * size, current * size),
    page: current,
    pageCount,
    total: items.length,
  };
}
