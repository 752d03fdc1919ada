import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { HalfDayCount } from './no-show.rules.ts';

/**
 * Recorded half-days of accepted participants of Parcours sessions (not cancelled) dated within
 * [from, to) — Paris calendar dates, YYYY-MM-DD — counted by territory, recording advisor and
 * status (no-show.rules.ts has the definition). `scope`: these territories only; null for all.
 */
export async function halfDayCounts(
  db: Kysely<Database>,
  period: { from: string; to: string },
  scope: string[] | null,
): Promise<HalfDayCount[]> {
  if (scope && !scope.length) return [];
  let q = db
    .selectFrom('attendance as a')
    .innerJoin('registration as r', 'r.id', 'a.registration_id')
    .innerJoin('event_copy as e', 'e.document_id', 'r.event_id')
    .select(['e.territory', 'a.recorded_by', 'a.status', sql<number>`count(*)`.as('n')])
    .where('r.status', '=', 'accepted')
    .where('e.program_kind', '=', 'parcours')
    .where('e.cancelled', '=', 0)
    .where('a.slot_date', '>=', period.from)
    .where('a.slot_date', '<', period.to);
  if (scope) q = q.where('e.territory', 'in', scope);
  const rows = await q.groupBy(['e.territory', 'a.recorded_by', 'a.status']).execute();
  return rows.map((r) => ({
    territory: r.territory,
    advisorId: r.recorded_by,
    status: r.status,
    n: Number(r.n),
  }));
}
