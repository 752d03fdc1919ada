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
  membres: { code: string; nom: string }[];
}

const require = createRequire(import.meta.url);
const read = (file: string) =>
  JSON.parse(
    readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8'),
  ) as unknown;

let communes: Commune[] | null = null;

function load(): Commune[] {
  if (communes) return communes;
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

/**
 * Names of the member communes of the given EPCIs, each once, in French alphabetical order. Reads
 * the EPCI file each time and keeps nothing: callers keep the answer.
 */
export function communeNamesOfEpcis(codes: Iterable<string>): string[] {
  const wanted = new Set(codes);
  const names = (read('epci.json') as RawEpci[])
    .filter((e) => wanted.has(e.code))
    .flatMap((e) => e.membres.map((m) => m.nom));
  return [...new Set(names)].sort((a, b) => a.localeCompare(b, 'fr'));
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

/** What the site needs of a territory (the CMS's territory entries: lib/cms/schemas.ts). */
export interface TerritoryLike {
  slug: string;
  name: string;
  epciCodes: readonly string[];
}

/** The territory whose EPCI list contains the commune's EPCI, or null (outside every given territory). */
export function territoryOfCommune<T extends TerritoryLike>(
  commune: Commune,
  territories: readonly T[],
): T | null {
  if (!commune.epci) return null;
  return territories.find((t) => t.epciCodes.includes(commune.epci as string)) ?? null;
}
