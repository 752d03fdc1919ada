import { knownTerritories, type Territory } from '../territories/territories.ts';

/** Who is looking: the signed-in account as every service and query sees it (role + territories). */
export interface Viewer {
  id: string;
  role: 'admin' | 'advisor';
  territories: string[];
}

/**
 * Whether the viewer may see what belongs to a territory: admins everything, advisors their own
 * territories; what lies outside any territory (null) is for admins. In SQL: scope.repository.ts.
 */
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
