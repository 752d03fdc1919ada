import { communeEpci } from './communes.generated.ts';

export interface Territory {
  slug: string;
  name: string;
  epciCodes: string[];
}

/**
 * The territories come from the CMS (its territory entries: name, slug, EPCI codes). The extranet
 * keeps a copy in its `territory` table (territories.service.ts) and this module holds what was last
 * read from it, for the synchronous questions below: which territory a commune belongs to, the
 * name of a slug, the list advisors and filters offer.
 *
 * Until the table has been read (the first moments of a process, or code running without the
 * runtime), the answer is the initial migration's seed: the four territories of design §3.
 */
const SEED: Territory[] = [
  { slug: 'valenciennois', name: 'Valenciennois', epciCodes: ['245901160', '200042190'] },
  { slug: 'douaisis', name: 'Douaisis', epciCodes: ['200044618', '245901152'] },
  { slug: 'cambresis', name: 'Cambrésis', epciCodes: ['200068500', '200030633', '245901038'] },
  { slug: 'pevele-carembault', name: 'Pévèle-Carembault', epciCodes: ['200041960'] },
];

/** The active territories, in order: replaced as a whole (never changed in place) on each read. */
let active: readonly Territory[] = SEED;
/** Names of every territory ever copied, active or not: past requests keep their territory's name. */
let names = new Map(SEED.map((t) => [t.slug, t.name]));

/** Replaces what this process knows (territories.service.ts, after reading the table). */
export function useTerritories(
  territories: Territory[],
  all: { slug: string; name: string }[] = territories,
): void {
  active = territories.map((t) => ({ ...t, epciCodes: [...t.epciCodes] }));
  names = new Map(all.map((t) => [t.slug, t.name]));
}

/** The active territories, in their order. */
export function listTerritories(): Territory[] {
  return active.map((t) => ({ ...t, epciCodes: [...t.epciCodes] }));
}

/**
 * Every territory this extranet has known, in order: the active ones, then those the CMS no longer
 * publishes (never routed to, but past requests, advisors' assignments and filters keep them).
 */
export function knownTerritories(): (Territory & { active: boolean })[] {
  const list = listTerritories().map((t) => ({ ...t, active: true }));
  for (const [slug, name] of names) {
    if (!list.some((t) => t.slug === slug)) list.push({ slug, name, epciCodes: [], active: false });
  }
  return list;
}

export function territoryName(slug: string | null | undefined): string {
  return (slug && names.get(slug)) || 'Hors territoire';
}

/**
 * The slug of the territory of a commune (INSEE code): the first active territory whose EPCI codes hold the
 * commune's EPCI; null outside every territory (the request then goes to the admins).
 */
export function territorySlugOfInsee(inseeCode: string | null | undefined): string | null {
  if (!inseeCode) return null;
  const epci = communeEpci[inseeCode];
  if (!epci) return null;
  return active.find((t) => t.epciCodes.includes(epci))?.slug ?? null;
}

const epciCodes = new Set(Object.values(communeEpci));

/** Whether the commune table knows the EPCI (communes.generated.ts covers the Nord and Pas-de-Calais). */
export function knownEpci(code: string): boolean {
  return epciCodes.has(code);
}
