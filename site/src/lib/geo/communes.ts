import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Commune → EPCI lookup from @etalab/decoupage-administratif, loaded lazily on the first search
 * (the raw files weigh 12 MB; only what the search needs is kept in memory).
 */
export interface Commune {
  code: string;
  nom: string;
  departement: string;
  codesPostaux: string[];
  epci: string | null;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
}
interface RawEpci {
  code: string;
  membres: { code: string }[];
}

let communes: Commune[] | null = null;

function load(): Commune[] {
  if (communes) return communes;
  const require = createRequire(import.meta.url);
  const read = (file: string) =>
    JSON.parse(
      readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8'),
    ) as unknown;
  const epciOf = new Map<string, string>();
  for (const epci of read('epci.json') as RawEpci[]) {
    for (const m of epci.membres) epciOf.set(m.code, epci.code);
  }
  communes = (read('communes.json') as RawCommune[])
    .filter((c) => c.type === 'commune-actuelle')
    .map((c) => ({
      code: c.code,
      nom: c.nom,
      departement: c.departement ?? '',
      codesPostaux: c.codesPostaux ?? [],
      epci: epciOf.get(c.code) ?? null,
    }));
  return communes;
}

/** Lower case, no accents, words separated by one space ("Saint-Amand-les-Eaux" → "saint amand les eaux"). */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\bst\b/g, 'saint')
    .replace(/\bste\b/g, 'sainte')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Departments of the mining basin first when a name exists in several departments. */
const PREFERRED_DEPARTMENTS = ['59', '62'];

/**
 * Finds communes by name or postcode. A postcode can cover several communes; a name can exist in
 * several departments. Results are ordered: exact match, communes of Nord / Pas-de-Calais first.
 */
export function findCommunes(query: string, limit = 10): Commune[] {
  const q = query.trim();
  if (!q) return [];
  const all = load();
  const rank = (c: Commune) => {
    const dep = PREFERRED_DEPARTMENTS.indexOf(c.departement);
    return dep === -1 ? PREFERRED_DEPARTMENTS.length : dep;
  };
  let found: Commune[];
  // "Marly (57)": a name with its department, as the agenda offers for homonyms.
  const withDep = /^(.+?)\s*\((\d{2,3}|2[AB])\)$/i.exec(q);
  if (withDep) {
    const n = normalizeName(withDep[1] as string);
    const dep = (withDep[2] as string).toUpperCase();
    return all.filter((c) => c.departement === dep && normalizeName(c.nom) === n).slice(0, limit);
  }
  if (/^\d{5}$/.test(q)) {
    found = all.filter((c) => c.codesPostaux.includes(q));
    if (found.length === 0) found = all.filter((c) => c.code === q);
  } else {
    const n = normalizeName(q);
    if (n.length < 2) return [];
    const exact = all.filter((c) => normalizeName(c.nom) === n);
    found = exact.length > 0 ? exact : all.filter((c) => normalizeName(c.nom).startsWith(n));
  }
  return found.sort((a, b) => rank(a) - rank(b) || a.nom.localeCompare(b.nom, 'fr')).slice(0, limit);
}

export interface TerritoryLike {
  slug: string;
  name: string;
  epciCodes: string[];
}

/** The territory whose EPCI list contains the commune's EPCI, or null (outside our four territories). */
export function territoryOfCommune<T extends TerritoryLike>(commune: Commune, territories: T[]): T | null {
  if (!commune.epci) return null;
  return territories.find((t) => t.epciCodes.includes(commune.epci as string)) ?? null;
}

/** The four territories and their EPCIs (design.md §3): used when the CMS is unreachable. */
export const DEFAULT_TERRITORIES: TerritoryLike[] = [
  { slug: 'valenciennois', name: 'Valenciennois', epciCodes: ['245901160', '200042190'] },
  { slug: 'douaisis', name: 'Douaisis', epciCodes: ['200044618', '245901152'] },
  { slug: 'cambresis', name: 'Cambrésis', epciCodes: ['200068500', '200030633', '245901038'] },
  { slug: 'pevele-carembault', name: 'Pévèle-Carembault', epciCodes: ['200041960'] },
];
