import { parisDate } from '@maillage/platform/clock';
import { z } from 'zod';
import { listTerritories } from '../territories/territories.ts';
import { DATASETS } from './exports.ts';

/** The first year the extranet holds (the 2022 history). */
export const FIRST_YEAR = 2022;
export const currentYear = () => Number(parisDate().slice(0, 4));

/** Year and territories of the indicators page and exports, from the query string. */
export function readFilter(params: URLSearchParams): { year: number; territories: string[] } {
  const year = z.coerce
    .number()
    .int()
    .min(FIRST_YEAR)
    .max(currentYear())
    .safeParse(params.get('annee') ?? undefined);
  const known = new Set(listTerritories().map((t) => t.slug));
  return {
    year: year.success ? year.data : currentYear(),
    territories: [...new Set(params.getAll('territoire'))].filter((t) => known.has(t)),
  };
}

export const exportRequest = z.object({
  jeu: z.enum(DATASETS, { error: 'Choisissez les données à exporter.' }),
  format: z.enum(['csv', 'xlsx'], { error: 'Choisissez le format CSV ou XLSX.' }),
  coordonnees: z.literal('1').optional(),
});

const count = (label: string) =>
  z
    .string({ error: `Indiquez ${label}.` })
    .trim()
    .regex(/^\d{1,5}$/, { error: `Indiquez ${label} en chiffres (un nombre entier de 0 à 99 999).` })
    .transform(Number);

/** An admin's targets for a year. */
export const targetsForm = z.object({
  annee: z.coerce.number().int().min(FIRST_YEAR).max(2100, { error: 'Année inconnue.' }),
  participants: count('l’objectif de participant·es'),
  porteurs: count('l’objectif de porteur·ses de projet'),
});
