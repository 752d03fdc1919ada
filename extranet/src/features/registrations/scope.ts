import { type ExpressionBuilder, type JoinBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { knownTerritories, type Territory } from '../territories/territories.ts';

/**
 * Territory scoping of registrations, applied in every query an advisor can reach: admins see
 * everything, advisors only their territories (requests outside any territory go to admins).
 */
export function registrationScope(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'registration'>) => {
    if (viewer.role === 'admin') return sql<boolean>`1 = 1`;
    if (!viewer.territories.length) return sql<boolean>`1 = 0`;
    return eb('registration.territory', 'in', viewer.territories);
  };
}

/**
 * The join to the viewer's own read mark of each registration (`leftJoin('registration_read', …)`):
 * `registration_read.read_at` is null for a request this viewer has not opened yet.
 */
export function readByViewer(viewer: Viewer) {
  // Checked against the two tables it joins; the query around it (its other tables, a CTE) is the
  // caller's, which Kysely's generics cannot carry through a shared helper.
  return <J>(join: J): J =>
    (join as unknown as JoinBuilder<Database, 'registration' | 'registration_read'>)
      .onRef('registration_read.registration_id', '=', 'registration.id')
      .on('registration_read.user_id', '=', viewer.id) as unknown as J;
}

export function canSeeTerritory(viewer: Viewer, territory: string | null): boolean {
  return viewer.role === 'admin' || (territory !== null && viewer.territories.includes(territory));
}

/**
 * The territories a viewer may filter on: all for admins, their own for advisors — including those
 * the CMS no longer publishes, whose past requests stay to be found.
 */
export function visibleTerritories(viewer: Viewer): Territory[] {
  const territories = knownTerritories();
  return viewer.role === 'admin'
    ? territories
    : territories.filter((t) => viewer.territories.includes(t.slug));
}
