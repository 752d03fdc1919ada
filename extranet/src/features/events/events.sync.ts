import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { type EventCopyInput, markRemovedExcept, upsertEventCopy } from './events.repository.ts';

interface CmsEvent {
  documentId: string;
  title: string;
  slug?: string;
  kind?: string;
  capacity?: number;
  cancelled?: boolean | null;
  registrationOpensAt?: string | null;
  registrationClosesAt?: string | null;
  practicalNotes?: string | null;
  program?: { title?: string; slug?: string; kind?: string } | null;
  territory?: { name?: string; slug?: string } | null;
  venue?: Record<string, unknown> | null;
  slots?: { date: string; start: string; end: string; label?: string | null }[] | null;
}

/** Explicit fields and populate: never populate=* (docs/contracts.md). */
export function eventsQuery(page: number): string {
  const p = new URLSearchParams();
  for (const [i, f] of [
    'title',
    'slug',
    'kind',
    'capacity',
    'cancelled',
    'registrationOpensAt',
    'registrationClosesAt',
    'practicalNotes',
  ].entries()) {
    p.set(`fields[${i}]`, f);
  }
  for (const [i, f] of ['title', 'slug', 'kind'].entries()) p.set(`populate[program][fields][${i}]`, f);
  for (const [i, f] of ['name', 'slug'].entries()) p.set(`populate[territory][fields][${i}]`, f);
  p.set('populate[venue]', 'true');
  p.set('populate[slots]', 'true');
  p.set('pagination[page]', String(page));
  p.set('pagination[pageSize]', '100');
  return `/api/events?${p.toString()}`;
}

export function mapCmsEvent(e: CmsEvent): EventCopyInput {
  const venue = { ...(e.venue ?? {}) };
  delete (venue as { id?: unknown }).id;
  return {
    documentId: e.documentId,
    title: e.title,
    slug: e.slug ?? null,
    kind: e.kind ?? null,
    programTitle: e.program?.title ?? null,
    programSlug: e.program?.slug ?? null,
    programKind: e.program?.kind ?? null,
    territory: e.territory?.slug ?? null,
    territoryName: e.territory?.name ?? null,
    slots: (e.slots ?? []).map((s) => ({ date: s.date, start: s.start, end: s.end, label: s.label ?? null })),
    capacity: e.capacity ?? 10,
    venue,
    registrationOpensAt: e.registrationOpensAt ?? null,
    registrationClosesAt: e.registrationClosesAt ?? null,
    practicalNotes: e.practicalNotes ?? null,
    cancelled: Boolean(e.cancelled),
  };
}

/**
 * Pulls every published event from the CMS and refreshes event_copy. Throws when the CMS cannot be
 * read; the copy is then left as it was, so the extranet keeps working while the CMS is down.
 */
export async function refreshEventsFromCms(
  db: Kysely<Database>,
  options: { cmsUrl: string; token?: string | undefined; fetchImpl?: typeof fetch },
): Promise<number> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const events: CmsEvent[] = [];
  for (let page = 1; page < 100; page++) {
    const res = await fetchImpl(new URL(eventsQuery(page), options.cmsUrl), {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Le CMS a répondu ${res.status} à la lecture des sessions`);
    const body = (await res.json()) as { data: CmsEvent[]; meta?: { pagination?: { pageCount?: number } } };
    events.push(...body.data);
    if (page >= (body.meta?.pagination?.pageCount ?? 1)) break;
  }
  await db.transaction().execute(async (trx) => {
    for (const e of events) await upsertEventCopy(trx, mapCmsEvent(e));
    await markRemovedExcept(
      trx,
      events.map((e) => e.documentId),
    );
  });
  return events.length;
}
