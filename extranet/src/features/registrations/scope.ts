import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { listTerritories, type Territory } from '../territories/territories.ts';

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

export function canSeeTerritory(viewer: Viewer, territory: string | null): boolean {
  return viewer.role === 'admin' || (territory !== null && viewer.territories.includes(territory));
}

/** The territories a viewer may filter on: all for admins, their own for advisors. */
export function visibleTerritories(viewer: Viewer): Territory[] {
  const territories = listTerritories();
  return viewer.role === 'admin'
    ? territories
    : territories.filter((t) => viewer.territories.includes(t.slug));
}
