import type { AvailabilityEntry } from '@maillage/contract';
import * as clock from '@maillage/platform/clock';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, EventCopy } from '../../db/database.ts';

export interface Slot {
  date: string;
  start: string;
  end: string;
  label?: string | null;
}

export interface Venue {
  name?: string;
  address?: string;
  postcode?: string;
  commune?: string;
  inseeCode?: string;
  accessNotes?: string | null;
  stepFreeAccess?: boolean | null;
}

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

/** Converts a wall-clock date and time in Paris to a UTC ISO string (the clock's Paris calendar). */
export function parisToIso(date: string, time: string): string {
  return clock.parisInstant(date, time).toISOString();
}

export function firstSlotAt(slots: Slot[]): string | null {
  const sorted = slots
    .filter((s) => s.date)
    .map((s) => parisToIso(s.date, s.start || '00:00'))
    .sort();
  return sorted[0] ?? null;
}

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

export function parseSlots(event: Pick<EventCopy, 'slots_json'>): Slot[] {
  try {
    return JSON.parse(event.slots_json) as Slot[];
  } catch {
    return [];
  }
}

export function parseVenue(event: Pick<EventCopy, 'venue_json'>): Venue {
  try {
    return JSON.parse(event.venue_json) as Venue;
  } catch {
    return {};
  }
}

export function isRegistrationOpen(event: EventCopy, now = clock.now()): boolean {
  if (event.cancelled || event.removed) return false;
  const t = now.toISOString();
  if (event.registration_opens_at && event.registration_opens_at > t) return false;
  if (event.registration_closes_at) return event.registration_closes_at > t;
  return !event.first_slot_at || event.first_slot_at > t;
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

export function availabilityOf(event: EventCopy, taken: number, now = clock.now()): AvailabilityEntry {
  const left = Math.max(0, event.capacity - taken);
  const registrationOpen = isRegistrationOpen(event, now);
  return {
    capacity: event.capacity,
    taken,
    left,
    waitlistOpen: registrationOpen && left === 0,
    registrationOpen,
  };
}

export async function availabilityAll(db: Db): Promise<Record<string, AvailabilityEntry>> {
  const events = await db.selectFrom('event_copy').selectAll().where('removed', '=', 0).execute();
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
