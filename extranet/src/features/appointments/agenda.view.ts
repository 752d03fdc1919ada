import { addDays, now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import {
  activeAccounts,
  agendaRows,
  countWithoutStatus,
  listWithoutStatus,
} from './appointments.repository.ts';
import { endOf, mondayOf, overlaps, parisAt, parisClock } from './appointments.rules.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `?semaine=` as the Monday of its week (any day of it will do); this week when absent or malformed. */
export function weekParam(value: string | null, today = parisDate()): string {
  const day = value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T12:00:00Z`)) ? value : today;
  return mondayOf(day);
}

/**
 * An advisor's week (Monday to Sunday, Paris days): each appointment with its time, person and
 * place; the ones overlapping another (non-cancelled) flagged; those started without a status
 * flagged « Statut à renseigner ». Admins may look at another advisor's week (`advisorId`).
 */
export async function agendaWeek(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { monday: string; advisorId: string | null },
) {
  const advisors = viewer.role === 'admin' ? await activeAccounts(db) : [];
  const advisorId =
    viewer.role === 'admin' && options.advisorId && advisors.some((a) => a.id === options.advisorId)
      ? options.advisorId
      : viewer.id;
  const from = parisAt(options.monday).toISOString();
  const until = parisAt(addDays(options.monday, 7)).toISOString();
  const [rows, missing] = await Promise.all([
    agendaRows(db, viewer, advisorId, from, until),
    listWithoutStatus(db, viewer, advisorId, now().toISOString(), MISSING_SHOWN),
  ]);
  // A list of people's names and times: audited like the other lists (ids and counts only).
  await audit(db, {
    actorId: viewer.id,
    action: 'agenda.list',
    entityType: 'appointment',
    details: { advisor: advisorId, week: options.monday, shown: rows.length, withoutStatus: missing.length },
  });
  const at = now().getTime();
  const live = rows.filter((r) => r.status !== 'annule');
  const today = parisDate();
  // Each appointment shaped once, then given to its Paris day.
  const shaped = rows.map((r) => ({
    ...r,
    date: parisDate(new Date(r.starts_at)),
    from: parisClock(r.starts_at),
    until: parisClock(endOf(r)),
    conflict: r.status !== 'annule' && live.some((o) => o.id !== r.id && overlaps(o, r)),
    needsStatus: r.status === 'prevu' && Date.parse(r.starts_at) <= at,
  }));
  const days = Array.from({ length: 7 }, (_, i) => addDays(options.monday, i)).map((date) => ({
    date,
    today: date === today,
    appointments: shaped.filter((r) => r.date === date),
  }));
  return {
    advisorId,
    advisors,
    monday: options.monday,
    previous: addDays(options.monday, -7),
    next: addDays(options.monday, 7),
    thisWeek: mondayOf(today),
    days,
    conflicts: days.some((d) => d.appointments.some((a) => a.conflict)),
    /** past appointments still without a status (whatever their week), the oldest MISSING_SHOWN */
    missingStatus: missing.map((m) => ({
      ...m,
      day: parisDate(new Date(m.starts_at)),
      from: parisClock(m.starts_at),
    })),
  };
}

/** How many past appointments without a status the agenda lists (the oldest; « ou plus » beyond). */
export const MISSING_SHOWN = 20;

/** Days after which an appointment without a status is nudged on the dashboard. */
const STATUS_NUDGE_DAYS = 2;

/** The dashboard's nudge: how many of the viewer's appointments have had no status for more than 2 days. */
export async function statusNudge(db: Kysely<Database>, viewer: Viewer) {
  const before = new Date(now().getTime() - STATUS_NUDGE_DAYS * 86_400_000).toISOString();
  return { count: await countWithoutStatus(db, viewer.id, before) };
}

/** The viewer's appointments of today (Paris), for the dashboard: time, person, place, status. */
export async function todayAppointments(db: Kysely<Database>, viewer: Viewer) {
  const today = parisDate();
  const rows = await agendaRows(
    db,
    viewer,
    viewer.id,
    parisInstant(today).toISOString(),
    parisInstant(addDays(today, 1)).toISOString(),
  );
  const at = now().getTime();
  return rows.map((r) => ({
    ...r,
    from: parisClock(r.starts_at),
    needsStatus: r.status === 'prevu' && Date.parse(r.starts_at) <= at,
  }));
}
