import type { Kysely, Transaction } from 'kysely';
import type { Database, EventCopy } from '../../db/database.ts';
import { attendanceOf, outcomesOf, rosterRows } from './sessions.repository.ts';
import {
  type AttendanceStatus,
  type Completion,
  completion,
  halfDays,
  type ParcoursOutcomeKind,
} from './sessions.rules.ts';

type Db = Kysely<Database> | Transaction<Database>;

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
  const rows = await rosterRows(db, event.document_id);
  const ids = rows.map((r) => r.id);
  const [marks, outcomes] = ids.length
    ? await Promise.all([attendanceOf(db, ids), outcomesOf(db, ids)])
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
