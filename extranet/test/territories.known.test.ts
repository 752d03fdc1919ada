import { afterEach, describe, expect, it } from 'vitest';
import { visibleTerritories } from '../src/features/auth/viewer.ts';
import {
  knownTerritories,
  listTerritories,
  territoryName,
  territorySlugOfInsee,
  useTerritories,
} from '../src/features/territories/territories.ts';

const initial = listTerritories();
afterEach(() => useTerritories(initial));

describe('a territory the CMS no longer publishes', () => {
  const lens = { slug: 'lens-lievin', name: 'Lens-Liévin', epciCodes: ['246200364'] };
  const unpublished = () => useTerritories(initial, [...initial, { slug: lens.slug, name: lens.name }]);

  it('is never routed to, but keeps its name and stays known', () => {
    useTerritories([...initial, lens]);
    expect(territorySlugOfInsee('62498')).toBe('lens-lievin'); // Lens
    unpublished();
    expect(territorySlugOfInsee('62498')).toBeNull();
    expect(territoryName('lens-lievin')).toBe('Lens-Liévin');
    expect(listTerritories().map((t) => t.slug)).not.toContain('lens-lievin');
    expect(knownTerritories().at(-1)).toMatchObject({ slug: 'lens-lievin', active: false });
    expect(knownTerritories().filter((t) => t.active)).toHaveLength(initial.length);
  });

  it('stays in the filters of admins and of the advisors who have it, so its past requests can be found', () => {
    unpublished();
    const admin = visibleTerritories({ id: 'a', role: 'admin', territories: [] });
    expect(admin.map((t) => t.slug)).toContain('lens-lievin');
    const advisor = visibleTerritories({
      id: 'b',
      role: 'advisor',
      territories: ['lens-lievin', 'douaisis'],
    });
    expect(advisor.map((t) => t.slug).sort()).toEqual(['douaisis', 'lens-lievin']);
  });
});
