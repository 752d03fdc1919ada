import type { Kysely } from 'kysely';
import { now } from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { visibleTerritories } from '../registrations/scope.ts';
import { computeIndicators, setTargets, targetHistory } from './indicators.ts';
import { currentYear, FIRST_YEAR, targetsForm } from './reporting.rules.ts';

/**
 * The indicators page (pages/indicateurs/index.astro): an admin's new targets for a year, and
 * what the page shows for a year and territories.
 */
export type TargetsTyped = { annee: string; participants: string; porteurs: string };

/**
 * Sets a year's targets (admins; the page checks the role): a new row, the earlier ones stay as
 * history; audited. Returns the year set, or the French message of each field refused.
 */
export async function saveTargets(
  db: Kysely<Database>,
  viewer: Viewer,
  typed: TargetsTyped,
): Promise<{ year: number } | { errors: Record<string, string> }> {
  const parsed = targetsForm.safeParse(typed);
  if (!parsed.success)
    return { errors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])) };
  const { annee, participants, porteurs } = parsed.data;
  await setTargets(
    db,
    viewer.id,
    annee,
    { parcoursParticipants: participants, projectHolders: porteurs },
    now().toISOString(),
  );
  await audit(db, {
    actorId: viewer.id,
    action: 'indicators.targets',
    entityType: 'indicators',
    entityId: annee,
    details: { year: annee, parcoursParticipants: participants, projectHolders: porteurs },
  });
  return { year: annee };
}

export const MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];
export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** A share as the page prints it: "42 %", or "—" out of nothing. */
export const pct = (n: number, d: number) => (d > 0 ? `${Math.round((n / d) * 100)} %` : '—');

/** The indicators of a year for the viewer's choice of territories, and what frames them. */
export async function indicatorsView(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: { year: number; territories: string[] },
) {
  const visible = visibleTerritories(viewer);
  const indicators = await computeIndicators(db, viewer, filter);
  const history = viewer.role === 'admin' ? await targetHistory(db, filter.year) : [];
  const chosen = indicators.territories.length
    ? visible.filter((t) => indicators.territories.includes(t.slug))
    : visible;
  const query = new URLSearchParams({ annee: String(filter.year) });
  for (const t of filter.territories) query.append('territoire', t);
  return {
    indicators,
    history,
    visible,
    years: Array.from({ length: currentYear() - FIRST_YEAR + 1 }, (_, k) => currentYear() - k),
    inProgress: filter.year === currentYear(),
    scopeLabel:
      viewer.role === 'admin' && !filter.territories.length
        ? 'tous les territoires'
        : chosen.map((t) => t.name).join(', ') || 'aucun territoire',
    query,
  };
}
