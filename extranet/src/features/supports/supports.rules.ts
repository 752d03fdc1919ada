import { z } from 'zod';

/** The phases of an individual support, in order (design §8). */
export const PHASES = ['emergence', 'maturation', 'creation', 'developpement'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_LABEL: Record<Phase, string> = {
  emergence: 'Émergence',
  maturation: 'Maturation',
  creation: 'Création',
  developpement: 'Développement',
};

/** Legal forms of an activity created at the end of a support. */
export const LEGAL_FORMS = {
  'entreprise-individuelle': 'Entreprise individuelle',
  association: 'Association',
  'scop-scic': 'SCOP / SCIC',
  cae: 'Coopérative d’activité et d’emploi',
  autre: 'Autre',
} as const;

/** Why a support ended without an activity created. */
export const END_REASONS = {
  'emploi-salarie': 'Emploi salarié',
  formation: 'Formation',
  'autre-projet': 'Autre projet',
  demenagement: 'Déménagement',
  'sans-nouvelles': 'Sans nouvelles',
  autre: 'Autre',
} as const;

/** A support is "quiet" when nobody has been in touch for more than this many days. */
export const QUIET_AFTER_DAYS = 45;

/**
 * Phases only move forward (a step may be skipped: someone can arrive with a matured project);
 * going back, or staying put, is refused. The date of the change may not precede the last one.
 */
export function checkPhaseChange(
  current: { phase: Phase; startedOn: string },
  next: { phase: Phase; startedOn: string },
): 'ok' | 'not-forward' | 'before-previous' {
  if (PHASES.indexOf(next.phase) <= PHASES.indexOf(current.phase)) return 'not-forward';
  if (next.startedOn < current.startedOn) return 'before-previous';
  return 'ok';
}

/** The phases a support may move to from `phase`. */
export function nextPhases(phase: Phase): Phase[] {
  return PHASES.slice(PHASES.indexOf(phase) + 1);
}

/** Whole calendar days between two Paris dates (YYYY-MM-DD): `to - from`. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Quiet: more than 45 days since the last contact (Paris dates). */
export function isQuiet(lastContactOn: string, today: string): boolean {
  return daysBetween(lastContactOn, today) > QUIET_AFTER_DAYS;
}

/** A support lasts 3 years at most: flagged this many days before, to be closed with an outcome. */
export const MAX_SUPPORT_YEARS = 3;
export const END_WARNING_DAYS = 60;

/** The day a support started on `startedOn` reaches its 3 years (Paris dates; 29 Feb → 1 Mar). */
export function supportEndOn(startedOn: string): string {
  const [y, m, d] = startedOn.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + MAX_SUPPORT_YEARS, m - 1, d)).toISOString().slice(0, 10);
}

/**
 * Where an open support stands against its 3 years: `over` once reached (it must be closed with an
 * outcome), `soon` within the last 60 days (« Fin dans N jours : à clôturer »), else `ok`.
 */
export function endState(
  startedOn: string,
  today: string,
): { endOn: string; daysLeft: number; state: 'ok' | 'soon' | 'over' } {
  const endOn = supportEndOn(startedOn);
  const daysLeft = daysBetween(today, endOn);
  return { endOn, daysLeft, state: daysLeft <= 0 ? 'over' : daysLeft <= END_WARNING_DAYS ? 'soon' : 'ok' };
}

const optional = <T extends z.ZodType>(s: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());

/**
 * The caseload's filters and sort (`/accompagnements`, a GET form: stable, shareable addresses).
 * Invalid values are ignored. `conseiller` is read by the page (mine by default, `tous`).
 */
export const caseloadFilters = z.object({
  phase: optional(z.enum(PHASES)).catch(undefined),
  /** `sans-contact`: more than 45 days; `recent`: within 45 days */
  contact: optional(z.enum(['sans-contact', 'recent'])).catch(undefined),
  /** `a-cloturer`: 3 years reached or within 60 days */
  fin: optional(z.enum(['a-cloturer'])).catch(undefined),
  tri: z.enum(['contact', 'fin', 'nom', 'phase']).catch('contact'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type CaseloadFilters = z.infer<typeof caseloadFilters>;

const isoDate = z
  .string({ error: 'Indiquez une date (jj/mm/aaaa).' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Indiquez une date (jj/mm/aaaa).' });

/** Form: move a support to another phase. */
export const phaseChangeForm = z.object({
  phase: z.enum(PHASES, { error: 'Choisissez la nouvelle phase.' }),
  startedOn: isoDate,
});

/** Form: end a support, with an activity created or a reason. */
export const endSupportForm = z.discriminatedUnion(
  'outcome',
  [
    z.object({
      outcome: z.literal('activite'),
      activityName: z
        .string({ error: 'Indiquez le nom de l’activité créée.' })
        .trim()
        .min(1, { error: 'Indiquez le nom de l’activité créée.' })
        .max(200, { error: 'Le nom est trop long (200 caractères au plus).' }),
      legalForm: z.enum(Object.keys(LEGAL_FORMS) as [keyof typeof LEGAL_FORMS], {
        error: 'Choisissez la forme juridique.',
      }),
      outcomeDate: isoDate,
      jobsCreated: z.coerce
        .number({ error: 'Indiquez un nombre d’emplois (0 ou plus).' })
        .int({ error: 'Indiquez un nombre entier.' })
        .min(0, { error: 'Indiquez un nombre d’emplois (0 ou plus).' })
        .max(1000, { error: 'Le nombre d’emplois semble trop grand.' }),
    }),
    z.object({
      outcome: z.literal('arret'),
      reason: z.enum(Object.keys(END_REASONS) as [keyof typeof END_REASONS], {
        error: 'Choisissez la raison de la fin de l’accompagnement.',
      }),
      outcomeDate: isoDate,
    }),
  ],
  { error: 'Choisissez comment l’accompagnement se termine.' },
);
export type EndSupport = z.infer<typeof endSupportForm>;
