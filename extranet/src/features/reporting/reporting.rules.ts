import { parisDate, parisInstant } from '@maillage/platform/clock';
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.ts';
import { type ParcoursOutcomeKind, parcoursOutcomeKind } from '../sessions/sessions.rules.ts';
import type { Phase } from '../supports/supports.rules.ts';
import { listTerritories } from '../territories/territories.ts';
import type { ReachIndicators } from './reach.service.ts';

// The indicators' vocabulary and shape (what the page, the CSV and the XLSX read), the scope and
// calendar rules every section of `computeIndicators` shares, and the forms of the indicators page
// (year and territories, export request, targets).

const PARCOURS_VARIANTS = ['emploi', 'creation', 'competences'] as const;
export type ParcoursVariant = (typeof PARCOURS_VARIANTS)[number] | 'autre';
export const VARIANT_LABEL: Record<ParcoursVariant, string> = {
  emploi: 'Parcours emploi',
  creation: 'Parcours création',
  competences: 'Parcours compétences',
  autre: 'Autre Parcours',
};
/** What came next after a Parcours: the follow-up's own list. */
export const OUTCOME_KINDS = parcoursOutcomeKind.options;
export type NextStep = ParcoursOutcomeKind;
export const SOURCES = ['self', 'prescriber', 'advisor'] as const;
export const SOURCE_LABEL: Record<(typeof SOURCES)[number], string> = {
  self: 'La personne elle-même',
  prescriber: 'Un·e professionnel·le',
  advisor: 'Un·e conseiller·e',
};

const DATASETS = ['participants', 'accompagnements', 'indicateurs'] as const;
export type Dataset = (typeof DATASETS)[number];

/** Targets by default (the project description: 55 Parcours participants, 20 project holders a year). */
export const DEFAULT_TARGETS = { parcoursParticipants: 55, projectHolders: 20 } as const;

export interface IndicatorFilter {
  year: number;
  /** Chosen territories; empty = every territory the viewer may see. */
  territories: string[];
}

/** One person × one session (Parcours or training), counted or not. Identifiers only. */
export interface AttendanceRow {
  registrationId: number;
  personId: number;
  eventId: string;
  programKind: 'parcours' | 'formation';
  variant: ParcoursVariant | null;
  territory: string | null;
  firstDate: string;
  lastDate: string;
  halfDays: number;
  attended: number;
  completed: boolean;
  rsa: boolean;
  jobSeeker: boolean;
  communeInsee: string | null;
  nextStep: NextStep | null;
  nextStepDate: string | null;
}

export interface SupportRow {
  supportId: number;
  personId: number;
  territory: string | null;
  startedOn: string;
  endedOn: string | null;
  /** the phase the support was in at the end of the year (or when it ended) */
  phase: Phase;
  phases: { phase: Phase; startedOn: string }[];
  outcome: string | null;
  legalForm: string | null;
  outcomeDate: string | null;
  jobsCreated: number | null;
  endReason: string | null;
}

export interface Indicators {
  year: number;
  territories: string[];
  targets: { parcoursParticipants: number; projectHolders: number };
  parcours: {
    sessions: number;
    sessionsByVariant: Record<ParcoursVariant, number>;
    participants: number;
    rsa: number;
    jobSeekers: number;
    completed: number;
    /** participants by month (1–12) of their first half-day attended */
    byMonth: number[];
    nextSteps: Record<NextStep, number>;
  };
  supports: {
    holders: number;
    byPhase: Record<Phase, number>;
    activitiesCreated: number;
    jobsCreated: number;
  };
  trainings: { sessions: number; participants: number };
  requests: Record<(typeof SOURCES)[number], number>;
  /** no-shows and messages to people (reach.service.ts) */
  reach: ReachIndicators;
  /** the detail the counts come from (exports use them) */
  attendanceRows: AttendanceRow[];
  supportRows: SupportRow[];
}

/**
 * Territories the figures cover: the chosen ones the viewer may see, or all the viewer may see
 * (territories an advisor may not see are ignored). null: every territory, none excluded (admins).
 */
export function scopeTerritories(viewer: Viewer, chosen: string[]): string[] | null {
  if (viewer.role === 'admin') return chosen.length ? chosen : null;
  const mine = chosen.filter((t) => viewer.territories.includes(t));
  return mine.length ? mine : [...viewer.territories];
}

export function variantOf(programSlug: string | null): ParcoursVariant {
  const v = (programSlug ?? '').replace(/^parcours-/, '');
  return (PARCOURS_VARIANTS as readonly string[]).includes(v) ? (v as ParcoursVariant) : 'autre';
}

export function yearBounds(year: number): { start: string; end: string } {
  return {
    start: parisInstant(`${year}-01-01`, '00:00').toISOString(),
    end: parisInstant(`${year + 1}-01-01`, '00:00').toISOString(),
  };
}

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
