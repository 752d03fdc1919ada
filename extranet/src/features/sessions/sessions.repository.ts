import { type Kysely, sql, type Transaction } from 'kysely';
import { parisDate } from '../../contract/clock.ts';
import type { Database, EventCopy } from '../../db/database.ts';
import { memo } from '../../db/memo.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseSlots, parseVenue, type Slot, type Venue } from '../events/events.repository.ts';
import { canSeeTerritory } from '../registrations/scope.ts';
import {
  type AttendanceStatus,
  type Completion,
  completion,
  type ParcoursOutcomeKind,
} from './completion.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A half-day of a session: its key in forms and URLs is `YYYY-MM-DDTHH:MM` (no personal data). */
export interface HalfDay {
  key: string;
  date: string;
  start: string;
  end: string;
  label: string | null;
}

export function halfDays(event: Pick<EventCopy, 'slots_json'>): HalfDay[] {
  return parseSlots(event)
    .filter((s: Slot) => s.date)
    .map((s) => ({
      key: `${s.date}T${(s.start ?? '').slice(0, 5)}`,
      date: s.date,
      start: (s.start ?? '').slice(0, 5),
      end: (s.end ?? '').slice(0, 5),
      label: s.label ?? null,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

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

/** The session, or undefined when it does not exist or the viewer may not see it (same answer). */
export async function getSessionForViewer(
  db: Db,
  viewer: Viewer,
  documentId: string,
): Promise<EventCopy | undefined> {
  const event = await db
    .selectFrom('event_copy')
    .selectAll()
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  if (!event || !canSeeTerritory(viewer, event.territory)) return undefined;
  return event;
}

export interface RosterEntry {
  registrationId: number;
  reference: string;
  personId: number;
  firstName: string;
  lastName: string | null;
  phone: string;
  status: 'accepted' | 'waitlisted' | 'cancelled';
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  source: 'self' | 'prescriber' | 'advisor';
  prescriberOrganisation: string | null;
  keepInformed: boolean;
  /** attendance by half-day key */
  attendance: Record<string, AttendanceStatus>;
  completion: Completion;
  outcome: { kind: ParcoursOutcomeKind; date: string; supportId: number | null } | null;
}

export interface Roster {
  accepted: RosterEntry[];
  waitlisted: RosterEntry[];
  cancelled: RosterEntry[];
}

const COLLATOR = new Intl.Collator('fr');
const byName = (a: RosterEntry, b: RosterEntry) =>
  COLLATOR.compare(`${a.lastName ?? ''} ${a.firstName}`, `${b.lastName ?? ''} ${b.firstName}`);

/**
 * Everyone on a session who is or was expected: accepted (by name), the waiting list (in order of
 * arrival, as places are offered) and those who withdrew, with their attendance and what came next.
 * Three queries, each on an index: registrations by (event_id, status), attendance and outcomes by
 * registration.
 */
export async function loadRoster(
  db: Db,
  event: Pick<EventCopy, 'document_id' | 'slots_json'>,
): Promise<Roster> {
  const days = halfDays(event);
  const rows = await db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.person_id',
      'registration.status',
      'registration.created_at',
      'registration.decided_at',
      'registration.decided_by',
      'registration.decision_reason',
      'registration.source_type',
      'registration.prescriber_organisation',
      'registration.prescriber_keep_informed',
      'person.first_name',
      'person.last_name',
      'person.phone',
    ])
    .where('registration.event_id', '=', event.document_id)
    .where('registration.status', 'in', ['accepted', 'waitlisted', 'cancelled'])
    .execute();
  const ids = rows.map((r) => r.id);
  const [marks, outcomes] = ids.length
    ? await Promise.all([
        db
          .selectFrom('attendance')
          .select(['registration_id', 'slot_date', 'slot_start', 'status'])
          .where('registration_id', 'in', ids)
          .execute(),
        db
          .selectFrom('parcours_outcome')
          .select(['registration_id', 'kind', 'outcome_date', 'support_id'])
          .where('registration_id', 'in', ids)
          .execute(),
      ])
    : [[], []];
  const known = new Set(days.map((d) => d.key));
  const byRegistration = new Map<number, Record<string, AttendanceStatus>>();
  for (const m of marks) {
    const key = `${m.slot_date}T${m.slot_start.slice(0, 5)}`;
    // Half-days removed from the CMS since: their marks stay in the database, not in the roster.
    if (!known.has(key)) continue;
    const map = byRegistration.get(m.registration_id) ?? {};
    map[key] = m.status;
    byRegistration.set(m.registration_id, map);
  }
  const outcomeBy = new Map(outcomes.map((o) => [o.registration_id, o]));
  const roster: Roster = { accepted: [], waitlisted: [], cancelled: [] };
  for (const r of rows) {
    const attendance = byRegistration.get(r.id) ?? {};
    const o = outcomeBy.get(r.id);
    const entry: RosterEntry = {
      registrationId: r.id,
      reference: r.reference,
      personId: r.person_id,
      firstName: r.first_name,
      lastName: r.last_name,
      phone: r.phone,
      status: r.status as RosterEntry['status'],
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      decidedBy: r.decided_by,
      decisionReason: r.decision_reason,
      source: r.source_type,
      prescriberOrganisation: r.prescriber_organisation,
      keepInformed: Boolean(r.prescriber_keep_informed),
      attendance,
      completion: completion(days.length, Object.values(attendance)),
      outcome: o ? { kind: o.kind, date: o.outcome_date, supportId: o.support_id } : null,
    };
    roster[entry.status].push(entry);
  }
  roster.accepted.sort(byName);
  roster.waitlisted.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.registrationId - b.registrationId,
  );
  roster.cancelled.sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? ''));
  return roster;
}

export interface SessionView {
  id: string;
  title: string;
  territoryName: string | null;
  venue: Venue;
  halfDays: HalfDay[];
}

export function sessionView(event: EventCopy): SessionView {
  return {
    id: event.document_id,
    title: event.title,
    territoryName: event.territory_name,
    venue: parseVenue(event),
    halfDays: halfDays(event),
  };
}
