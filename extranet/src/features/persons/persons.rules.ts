import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { z } from 'zod';
import { pageNumber } from '../../db/paging.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const NO_MARKUP = /^[^<>]*$/;
const answer = z.enum(['oui', 'non', 'ne-se-prononce-pas'], {
  error: 'Choisissez oui, non ou ne se prononce pas.',
});

/** The person's identity and contact details, as an advisor corrects them. */
export const personEditForm = z
  .object({
    firstName: z
      .string({ error: 'Indiquez le prénom.' })
      .trim()
      .min(1, { error: 'Indiquez le prénom.' })
      .max(80, { error: 'Le prénom est trop long (80 caractères au plus).' })
      .regex(NO_MARKUP, { error: 'Les signes < et > ne sont pas acceptés.' }),
    lastName: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .max(80, { error: 'Le nom est trop long (80 caractères au plus).' })
        .regex(NO_MARKUP, { error: 'Les signes < et > ne sont pas acceptés.' })
        .optional(),
    ),
    phone: z
      .string({ error: 'Indiquez le numéro de téléphone.' })
      .trim()
      .min(1, { error: 'Indiquez le numéro de téléphone.' })
      .max(30, { error: 'Le numéro de téléphone est trop long.' })
      .transform((v, ctx) => {
        const n = normaliseFrenchPhone(v);
        if (!n) {
          ctx.issues.push({
            code: 'custom',
            input: v,
            message: 'Ce n’est pas un numéro français valide (exemple : 06 12 34 56 78).',
          });
          return z.NEVER;
        }
        return n;
      }),
    email: z.preprocess(
      emptyToUndefined,
      z
        .email({ error: 'L’adresse e-mail n’est pas valide (exemple : prenom.nom@exemple.fr).' })
        .max(254, { error: 'L’adresse e-mail est trop longue.' })
        .transform((v) => v.toLowerCase())
        .optional(),
    ),
    communeName: z.preprocess(
      emptyToUndefined,
      z.string().trim().max(100, { error: 'Le nom de commune est trop long.' }).regex(NO_MARKUP).optional(),
    ),
    communeInsee: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'Le code INSEE a 5 chiffres (exemple : 59606).' })
        .optional(),
    ),
    situationRsa: answer,
    situationJobSeeker: answer,
    preferredContact: z.enum(['appel', 'sms', 'email', 'sms-email'], {
      error: 'Choisissez le moyen de contact préféré.',
    }),
  })
  .superRefine((v, ctx) => {
    if ((v.preferredContact === 'email' || v.preferredContact === 'sms-email') && !v.email)
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'Indiquez l’e-mail pour un contact par e-mail.',
      });
  });
export type PersonEdit = z.infer<typeof personEditForm>;

/** Person-list filters, read from the query string; invalid values are ignored. */
export const personFilters = z.object({
  territory: z.string().max(40).optional().catch(undefined),
  situation: z.enum(['rsa', 'demandeur']).optional().catch(undefined),
  accompagnement: z.enum(['oui', 'non']).optional().catch(undefined),
  contact: z.enum(['30', '90', '365', 'plus']).optional().catch(undefined),
  q: z.string().trim().max(80).optional().catch(undefined),
  page: pageNumber(),
});
export type PersonFilters = z.infer<typeof personFilters>;

const strip = (s: string | null | undefined) =>
  (s ?? '')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

/** Who an advisor is about to record, as the duplicate search compares them. */
export interface NewPersonIdentity {
  firstName: string;
  lastName?: string | null;
  phone: string;
  communeInsee?: string | null;
  communeName?: string | null;
}

export interface DuplicateCandidate {
  id: number;
  first_name: string;
  last_name: string | null;
  phone: string;
  commune_insee: string | null;
  commune_name: string | null;
}

/**
 * Possible duplicates of someone about to be created: the same phone number, or the same first
 * and last name (accents and case aside) in the same commune.
 */
export function isPossibleDuplicate(
  candidate: NewPersonIdentity,
  other: DuplicateCandidate,
): 'phone' | 'name' | null {
  if (candidate.phone === other.phone) return 'phone';
  const sameName =
    strip(candidate.firstName) === strip(other.first_name) &&
    strip(candidate.lastName) !== '' &&
    strip(candidate.lastName) === strip(other.last_name);
  const sameCommune = candidate.communeInsee
    ? candidate.communeInsee === other.commune_insee
    : strip(candidate.communeName) !== '' && strip(candidate.communeName) === strip(other.commune_name);
  return sameName && sameCommune ? 'name' : null;
}

/** A person that does not exist or that the viewer may not see: the same answer (404). */
export class PersonNotFoundError extends Error {}
