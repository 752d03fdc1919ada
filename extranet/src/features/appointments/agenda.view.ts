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
import { endOf, mondayOf, overlaps, parisClock } from './appointments.rules.ts';

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
  const from = parisInstant(options.monday).toISOString();
  const until = parisInstant(addDays(options.monday, 7)).toISOString();
  const [rows, missing] = await Promise.all([
    agendaRows(db, viewer, advisorId, from, until),
    listWithoutStatus(db, viewer, advisorId, now().toISOString(), 50),
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
  const days = Array.from({ length: 7 }, (_, i) => addDays(options.monday, i)).map((date) => ({
    date,
    today: date === today,
    appointments: rows
      .filter((r) => parisDate(new Date(r.starts_at)) === date)
      .map((r) => ({
        ...r,
        from: parisClock(r.starts_at),
        until: parisClock(endOf(r)),
        conflict: r.status !== 'annule' && live.some((o) => o.id !== r.id && overlaps(o, r)),
        needsStatus: r.status === 'prevu' && Date.parse(r.starts_at) <= at,
      })),
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
    /** every past appointment still without a status (whatever its week), oldest first */
    missingStatus: missing.map((m) => ({
      ...m,
      day: parisDate(new Date(m.starts_at)),
      from: parisClock(m.starts_at),
    })),
  };
}

/** Days after which an appointment without a status is nudged on the dashboard. */
const STATUS_NUDGE_DAYS = 2;

/** The dashboard's nudge: how many of the viewer's appointments have had no status for more than 2 days. */
export async function statusNudge(db: Kysely<Database>, viewer: Viewer) {
  const before = new Date(now().getTime() - STATUS_NUDGE_DAYS * 86_400_000).toISOString();
  return { count: await countWithoutStatus(db, viewer.id, before) };
}
