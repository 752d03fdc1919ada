import type { AvailabilityEntry } from '@maillage/contract';
import * as clock from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { type CmsClient, type CmsClientOptions, createCmsClient, fieldParams } from '../cms/client.ts';
import { type CmsEventEntry, cmsEventEntry } from '../cms/schemas.ts';
import {
  countAccepted,
  type EventCopyInput,
  getEvent,
  markRemovedExcept,
  publishedEvents,
  upsertEventCopy,
} from './events.repository.ts';
import { availabilityOf } from './events.rules.ts';

/** Explicit fields and populate: never populate=* (docs/contracts.md). */
export function eventsQuery(page: number): string {
  const p = fieldParams(new URLSearchParams(), [
    'title',
    'slug',
    'kind',
    'capacity',
    'cancelled',
    'registrationOpensAt',
    'registrationClosesAt',
    'practicalNotes',
  ]);
  fieldParams(p, ['title', 'slug', 'kind'], 'program');
  fieldParams(p, ['name', 'slug'], 'territory');
  p.set('populate[venue]', 'true');
  p.set('populate[slots]', 'true');
  p.set('pagination[page]', String(page));
  p.set('pagination[pageSize]', '100');
  return `/api/events?${p.toString()}`;
}

function mapCmsEvent(e: CmsEventEntry): EventCopyInput {
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
 * read; the copy is then left as it was, so the extranet keeps working while the CMS is down. An
 * entry that does not match the schema keeps its last good copy (it is not marked removed).
 */
export async function refreshEventsFromCms(
  db: Kysely<Database>,
  cms: CmsClient | CmsClientOptions,
): Promise<number> {
  const client = 'collection' in cms ? cms : createCmsClient(cms);
  const { items, rejected } = await client.collection(eventsQuery, cmsEventEntry);
  const kept = rejected
    .map((e) => (e as { documentId?: unknown } | null)?.documentId)
    .filter((id): id is string => typeof id === 'string');
  await db.transaction().execute(async (trx) => {
    for (const e of items) await upsertEventCopy(trx, mapCmsEvent(e));
    await markRemovedExcept(trx, [...items.map((e) => e.documentId), ...kept]);
  });
  return items.length;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Places left per published event, for the site (no personal data). */
export async function availabilityAll(db: Db): Promise<Record<string, AvailabilityEntry>> {
  const events = await publishedEvents(db);
  const taken = await countAccepted(db);
  const now = clock.now();
  return Object.fromEntries(
    events.map((e) => [e.document_id, availabilityOf(e, taken.get(e.document_id) ?? 0, now)]),
  );
}

export async function availabilityOne(db: Db, documentId: string): Promise<AvailabilityEntry | null> {
  const event = await getEvent(db, documentId);
  if (!event || event.removed) return null;
  const taken = (await countAccepted(db, [documentId])).get(documentId) ?? 0;
  return availabilityOf(event, taken);
}
