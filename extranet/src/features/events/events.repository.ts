import * as clock from '@maillage/platform/clock';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database, EventCopy } from '../../db/database.ts';
import { firstSlotAt, type Slot, type Venue } from './events.rules.ts';

export interface EventCopyInput {
  documentId: string;
  title: string;
  slug?: string | null;
  kind?: string | null;
  programTitle?: string | null;
  programSlug?: string | null;
  programKind?: string | null;
  territory?: string | null;
  territoryName?: string | null;
  slots: Slot[];
  capacity: number;
  venue: Venue;
  registrationOpensAt?: string | null;
  registrationClosesAt?: string | null;
  practicalNotes?: string | null;
  cancelled?: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The events copy (`event_copy`) and the counts of accepted registrations per event. */

export async function upsertEventCopy(db: Db, input: EventCopyInput, now = clock.now()): Promise<void> {
  const slots = input.slots
    .map((s) => ({
      date: s.date,
      start: (s.start ?? '').slice(0, 5),
      end: (s.end ?? '').slice(0, 5),
      label: s.label ?? null,
    }))
    .sort((a, b) => `${a.date}${a.start}`.localeCompare(`${b.date}${b.start}`));
  const values = {
    title: input.title,
    slug: input.slug ?? null,
    kind: input.kind ?? null,
    program_title: input.programTitle ?? null,
    program_slug: input.programSlug ?? null,
    program_kind: input.programKind ?? null,
    territory: input.territory ?? null,
    territory_name: input.territoryName ?? null,
    slots_json: JSON.stringify(slots),
    first_slot_at: firstSlotAt(slots),
    capacity: input.capacity,
    venue_json: JSON.stringify(input.venue ?? {}),
    registration_opens_at: input.registrationOpensAt ?? null,
    registration_closes_at: input.registrationClosesAt ?? null,
    practical_notes: input.practicalNotes ?? null,
    cancelled: input.cancelled ? 1 : 0,
    removed: 0,
    refreshed_at: now.toISOString(),
  };
  await db
    .insertInto('event_copy')
    .values({ document_id: input.documentId, ...values })
    .onConflict((oc) => oc.column('document_id').doUpdateSet(values))
    .execute();
}

/** Marks as removed the events the CMS no longer publishes (their registrations stay). */
export async function markRemovedExcept(db: Db, keep: string[]): Promise<void> {
  let q = db.updateTable('event_copy').set({ removed: 1 }).where('removed', '=', 0);
  if (keep.length) q = q.where('document_id', 'not in', keep);
  await q.execute();
}

export async function getEvent(db: Db, documentId: string): Promise<EventCopy | undefined> {
  return db.selectFrom('event_copy').selectAll().where('document_id', '=', documentId).executeTakeFirst();
}

/**
 * The event row, locked until the end of the transaction on PostgreSQL (SELECT … FOR UPDATE):
 * capacity checks and decisions on one event run one at a time (SQLite: BEGIN IMMEDIATE does it).
 */
export async function getEventForUpdate(
  db: Db,
  kind: DbKind,
  documentId: string,
): Promise<EventCopy | undefined> {
  let q = db.selectFrom('event_copy').selectAll().where('document_id', '=', documentId);
  if (kind === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Published events whose first half-day is after `after`, of these territories (null: all). */
export async function upcomingEvents(db: Db, filter: { after: string; territories: string[] | null }) {
  let q = db
    .selectFrom('event_copy')
    .select(['document_id', 'capacity', 'title'])
    .where('removed', '=', 0)
    .where('first_slot_at', '>', filter.after);
  if (filter.territories) q = q.where('territory', 'in', filter.territories);
  return q.execute();
}

export async function listEvents(
  db: Db,
  options: { territories?: string[] | null; upcomingOnly?: boolean } = {},
) {
  let q = db.selectFrom('event_copy').selectAll().where('removed', '=', 0);
  if (options.territories)
    q = options.territories.length
      ? q.where('territory', 'in', options.territories)
      : q.where(sql<boolean>`1 = 0`);
  if (options.upcomingOnly) q = q.where('first_slot_at', '>', clock.now().toISOString());
  return q.orderBy('first_slot_at').execute();
}

export async function countAccepted(db: Db, eventIds?: string[]): Promise<Map<string, number>> {
  let q = db
    .selectFrom('registration')
    .select(['event_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'accepted')
    .where('event_id', 'is not', null);
  if (eventIds) {
    if (!eventIds.length) return new Map();
    q = q.where('event_id', 'in', eventIds);
  }
  const rows = await q.groupBy('event_id').execute();
  return new Map(rows.map((r) => [r.event_id as string, Number(r.n)]));
}

/** The events still published. */
export async function publishedEvents(db: Db) {
  return db.selectFrom('event_copy').selectAll().where('removed', '=', 0).execute();
}
