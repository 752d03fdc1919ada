import { describe, expect, it } from 'vitest';
import { TERRITORIES } from '../../cms/src/bootstrap/seed-content.ts';
import { findCommunes, normalizeName, territoryOfCommune } from '../src/lib/geo/communes.ts';
import { communeNames } from '../src/lib/registration/communes.ts';

const territoryOf = (q: string) => {
  const c = findCommunes(q)[0];
  return c ? (territoryOfCommune(c, TERRITORIES)?.name ?? null) : undefined;
};

describe('commune → territory lookup', () => {
  it('puts Orchies in Pévèle-Carembault through its EPCI', () => {
    const [orchies] = findCommunes('Orchies');
    expect(orchies?.code).toBe('59449');
    expect(orchies?.epci).toBe('200041960');
    expect(territoryOf('Orchies')).toBe('Pévèle-Carembault');
  });

  it('finds a commune by postcode', () => {
    expect(findCommunes('59310').map((c) => c.nom)).toContain('Orchies');
    expect(territoryOf('59310')).toBe('Pévèle-Carembault');
    expect(territoryOf('59500')).toBe('Douaisis');
  });

  it('maps a commune of each territory', () => {
    expect(territoryOf('Douai')).toBe('Douaisis');
    expect(territoryOf('Cambrai')).toBe('Cambrésis');
    expect(territoryOf('Valenciennes')).toBe('Valenciennois');
    expect(territoryOf('Denain')).toBe('Valenciennois');
  });

  it('ignores case, accents and hyphens', () => {
    expect(normalizeName('Saint-Amand-les-Eaux')).toBe('saint amand les eaux');
    expect(findCommunes('st amand les eaux')[0]?.code).toBe('59526');
    expect(findCommunes('ORCHIES')[0]?.code).toBe('59449');
    expect(territoryOf('pecquencourt')).toBe('Douaisis');
  });

  it('knows a commune outside the four territories', () => {
    const [lille] = findCommunes('Lille');
    expect(lille?.code).toBe('59350');
    expect(territoryOfCommune(lille!, TERRITORIES)).toBeNull();
  });

  it('prefers the Nord commune when a name exists in several departments', () => {
    // There are several "Marly" in France; the one near Valenciennes comes first.
    const [marly] = findCommunes('Marly');
    expect(marly?.departement).toBe('59');
    expect(territoryOf('Marly')).toBe('Valenciennois');
  });

  it('finds a homonym by its department', () => {
    const [marly57] = findCommunes('Marly (57)');
    expect(marly57?.departement).toBe('57');
    expect(territoryOfCommune(marly57!, TERRITORIES)).toBeNull();
  });

  it('returns nothing for an unknown name or an empty query', () => {
    expect(findCommunes('Zzyzx-sur-Mer')).toEqual([]);
    expect(findCommunes('  ')).toEqual([]);
    expect(findCommunes('00000')).toEqual([]);
  });
});

describe('the commune suggestions of the registration forms', () => {
  it('lists the communes of the CMS territories’ EPCIs, each once, in French order', () => {
    const names = communeNames(TERRITORIES);
    expect(names).toHaveLength(291);
    for (const n of ['Orchies', 'Douai', 'Cambrai', 'Valenciennes', 'Denain', 'Écaillon']) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('Lille');
    expect(names).toEqual([...new Set(names)].sort((a, b) => a.localeCompare(b, 'fr')));
  });

  it('follows the territories: one more in the CMS brings its communes, none brings none', () => {
    const lensLievin = { slug: 'lens-lievin', name: 'Lens-Liévin', epciCodes: ['246200364'] };
    const names = communeNames([...TERRITORIES, lensLievin]);
    expect(names).toContain('Lens');
    expect(names).toContain('Liévin');
    expect(names).toHaveLength(291 + communeNames([lensLievin]).length);
    expect(communeNames([])).toEqual([]);
  });
});
