/**
 * Indicators for funders (issue 11, design §8): ONE function, `computeIndicators`, gives the
 * numbers to the page, the CSV and the XLSX.
 *
 * Retention contract: a past year's figures must not change when people are anonymised (issue 12).
 * This module reads ONLY what survives anonymisation:
 * - person: id, territory, commune_insee, situation_rsa, situation_job_seeker, created_at;
 * - registration: id, person_id, kind, event_id, territory, status, source_type, created_at, decided_at;
 * - attendance, event_copy, support_phase, parcours_outcome: everything;
 * - support: everything but the activity name (legal form, dates, jobs, end reason are kept).
 * Never names, phone, e-mail, notes, needs, project idea, message or any free text. (The contact
 * columns an admin may tick on an export are read by `exports.ts`, apart, and never counted.)
 * Events the CMS no longer publishes stay in event_copy with `removed = 1`: they are counted here.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import {
  type IndicatorFilter,
  type Indicators,
  SOURCES,
  scopeTerritories,
  territoryIn,
  yearBounds,
} from './indicators.model.ts';
import { parcoursIndicators } from './indicators.parcours.ts';
import { supportIndicators } from './indicators.supports.ts';
import { targetsFor } from './targets.ts';

// The vocabulary, the sections and the targets live apart; the pages import them from here.
export * from './indicators.model.ts';
export { setTargets, targetHistory, targetsFor } from './targets.ts';

/**
 * The year's indicators for the viewer's territories (design §8 definitions): the Parcours and
 * trainings (indicators.parcours.ts), the individual support (indicators.supports.ts) and the
 * requests received, each section in parallel.
 */
export async function computeIndicators(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: IndicatorFilter,
): Promise<Indicators> {
  const scope = scopeTerritories(viewer, filter.territories);
  const { start, end } = yearBounds(filter.year);
  const [parcours, supports, requests, targets] = await Promise.all([
    parcoursIndicators(db, scope, { start, end }),
    supportIndicators(db, scope, {
      start,
      end,
      firstDay: `${filter.year}-01-01`,
      lastDay: `${filter.year}-12-31`,
    }),
    requestsBySource(db, scope, { start, end }),
    targetsFor(db, filter.year),
  ]);
  return {
    year: filter.year,
    territories: scope ?? [],
    targets,
    parcours: parcours.parcours,
    supports: supports.supports,
    trainings: parcours.trainings,
    requests,
    attendanceRows: parcours.attendanceRows,
    supportRows: supports.supportRows,
  };
}

/** Requests received in the year, by who sent them. */
async function requestsBySource(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
): Promise<Indicators['requests']> {
  const rows = await db
    .selectFrom('registration')
    .select((eb) => ['source_type', eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', bounds.start)
    .where('created_at', '<', bounds.end)
    .where(territoryIn('territory', scope))
    .groupBy('source_type')
    .execute();
  const counts = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Indicators['requests'];
  for (const r of rows) counts[r.source_type] = Number(r.n);
  return counts;
}
