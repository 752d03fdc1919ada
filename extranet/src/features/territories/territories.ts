import { communeTerritory } from './communes.generated.ts';

export interface Territory {
  slug: string;
  name: string;
  epciCodes: string[];
}

/** The four territories (design §3). Same slugs as the CMS territories. */
export const TERRITORIES: Territory[] = [
  { slug: 'valenciennois', name: 'Valenciennois', epciCodes: ['245901160', '200042190'] },
  { slug: 'douaisis', name: 'Douaisis', epciCodes: ['200044618', '245901152'] },
  { slug: 'cambresis', name: 'Cambrésis', epciCodes: ['200068500', '200030633', '245901038'] },
  { slug: 'pevele-carembault', name: 'Pévèle-Carembault', epciCodes: ['200041960'] },
];

export const TERRITORY_SLUGS = TERRITORIES.map((t) => t.slug);

export function territoryName(slug: string | null | undefined): string {
  return TERRITORIES.find((t) => t.slug === slug)?.name ?? 'Hors territoire';
}

/** The territory of a commune (INSEE code), through its EPCI; null outside the four territories. */
export function territoryOfCommune(inseeCode: string | null | undefined): string | null {
  if (!inseeCode) return null;
  return communeTerritory[inseeCode] ?? null;
}
