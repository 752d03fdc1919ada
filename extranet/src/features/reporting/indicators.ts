/**
 * Indicators for funders (issue 11, design §8): ONE function, `computeIndicators`, gives the
 * numbers to the page, the CSV and the XLSX.
 *
 * Retention contract: a past year's figures must not change when people are anonymised (issue 12).
 * This module reads ONLY what survives anonymisation:
 * - person: id, territory, commune_insee, situation_rsa, situation_job_seeker, created_at;
 * - registration: id, person_id, kind, event_id, territory, status, source_type, created_at, decided_at;
 * - attendance, event_copy, support_phase, parcours_outcome: everything;
 * - support: everything but the activity name (legal form, dates, jobs, end reason are kept).
 * Never names, phone, e-mail, notes, needs, project idea, message or any free text. (The contact
 * columns an admin may tick on an export are read by `exports.ts`, apart, and never counted.)
 * Events the CMS no longer publishes stay in event_copy with `removed = 1`: they are counted here.
 */
import { type Kysely, sql } from 'kysely';
import { parisInstant } from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { requiredHalfDays } from '../sessions/completion.ts';
import type { Phase } from '../supports/supports.rules.ts';
import { PHASES } from '../supports/supports.rules.ts';

export const PARCOURS_VARIANTS = ['emploi', 'creation', 'competences'] as const;
export type ParcoursVariant = (typeof PARCOURS_VARIANTS)[number] | 'autre';
export const VARIANT_LABEL: Record<ParcoursVariant, string> = {
  emploi: 'Parcours emploi',
  creation: 'Parcours création',
  competences: 'Parcours compétences',
  autre: 'Autre Parcours',
};
export const OUTCOME_KINDS = ['emploi', 'formation', 'creation', 'recherche', 'sans-nouvelles'] as const;
export type NextStep = (typeof OUTCOME_KINDS)[number];
export const SOURCES = ['self', 'prescriber', 'advisor'] as const;
export const SOURCE_LABEL: Record<(typeof SOURCES)[number], string> = {
  self: 'La personne elle-même',
  prescriber: 'Un·e professionnel·le',
  advisor: 'Un·e conseiller·e',
};

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

/** The target of a year: the latest one an admin set, else the defaults. */
export async function targetsFor(db: Kysely<Database>, year: number) {
  const row = await db
    .selectFrom('indicator_target')
    .select(['parcours_participants', 'project_holders'])
    .where('year', '=', year)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row
    ? { parcoursParticipants: row.parcours_participants, projectHolders: row.project_holders }
    : { ...DEFAULT_TARGETS };
}

const nothing = sql<boolean>`1 = 0`;

/**
 * The year's indicators for the viewer's territories (design §8 definitions). A participant is a
 * distinct person with at least one half-day attended in a session held that year (first half-day
 * in the year); cancelled and declined requests never count; completed = 4 half-days or all of a
 * shorter session. A project holder is supported in a year when a support was active at any time
 * in it.
 */
export async function computeIndicators(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: IndicatorFilter,
): Promise<Indicators> {
  const scope = scopeTerritories(viewer, filter.territories);
  const { start, end } = yearBounds(filter.year);
  const yearStart = `${filter.year}-01-01`;
  const yearEnd = `${filter.year}-12-31`;

  // Sessions of the year, with the registrations that may count and their half-days attended.
  let regs = db
    .selectFrom('event_copy as e')
    .innerJoin('registration as r', (j) =>
      j.onRef('r.event_id', '=', 'e.document_id').on('r.kind', '=', 'event'),
    )
    .innerJoin('person as p', 'p.id', 'r.person_id')
    .leftJoin('parcours_outcome as o', 'o.registration_id', 'r.id')
    .select([
      'r.id as registrationId',
      'r.person_id as personId',
      'e.document_id as eventId',
      'e.program_kind as programKind',
      'e.program_slug as programSlug',
      'e.territory as territory',
      'e.slots_json as slotsJson',
      'p.situation_rsa as rsa',
      'p.situation_job_seeker as jobSeeker',
      'p.commune_insee as communeInsee',
      'o.kind as nextStep',
      'o.outcome_date as nextStepDate',
    ])
    .select((eb) =>
      eb
        .selectFrom('attendance as a')
        .select(sql<number>`count(*)`.as('n'))
        .whereRef('a.registration_id', '=', 'r.id')
        .where('a.status', '=', 'present')
        .as('attended'),
    )
    .select((eb) =>
      eb
        .selectFrom('attendance as a')
        .select(sql<string | null>`min(a.slot_date)`.as('d'))
        .whereRef('a.registration_id', '=', 'r.id')
        .where('a.status', '=', 'present')
        .as('firstAttended'),
    )
    .where('e.program_kind', 'in', ['parcours', 'formation'])
    .where('e.cancelled', '=', 0)
    .where('e.first_slot_at', '>=', start)
    .where('e.first_slot_at', '<', end)
    .where('r.status', 'not in', ['cancelled', 'declined']);
  if (scope) regs = scope.length ? regs.where('e.territory', 'in', scope) : regs.where(nothing);

  let supports = db
    .selectFrom('support as s')
    .innerJoin('person as p', 'p.id', 's.person_id')
    .select([
      's.id',
      's.person_id',
      'p.territory',
      's.phase',
      's.started_at',
      's.ended_at',
      's.outcome',
      's.legal_form',
      's.outcome_date',
      's.jobs_created',
      's.end_reason',
    ])
    .where('s.started_at', '<', end)
    .where((eb) => eb.or([eb('s.ended_at', 'is', null), eb('s.ended_at', '>=', start)]));
  if (scope) supports = scope.length ? supports.where('p.territory', 'in', scope) : supports.where(nothing);

  let phases = db
    .selectFrom('support_phase as ph')
    .innerJoin('support as s', 's.id', 'ph.support_id')
    .innerJoin('person as p', 'p.id', 's.person_id')
    .select(['ph.support_id', 'ph.phase', 'ph.started_on'])
    .where('s.started_at', '<', end)
    .where((eb) => eb.or([eb('s.ended_at', 'is', null), eb('s.ended_at', '>=', start)]))
    .orderBy('ph.support_id')
    .orderBy('ph.started_on')
    .orderBy('ph.id');
  if (scope) phases = scope.length ? phases.where('p.territory', 'in', scope) : phases.where(nothing);

  let requests = db
    .selectFrom('registration')
    .select(['source_type', sql<number>`count(*)`.as('n')])
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy('source_type');
  if (scope) requests = scope.length ? requests.where('territory', 'in', scope) : requests.where(nothing);

  const [regRows, supportRowsRaw, phaseRows, requestRows, targets] = await Promise.all([
    regs.execute(),
    supports.execute(),
    phases.execute(),
    requests.execute(),
    targetsFor(db, filter.year),
  ]);

  // Parcours and trainings.
  const attendanceRows: AttendanceRow[] = [];
  const parcoursPeople = new Map<
    number,
    { rsa: boolean; jobSeeker: boolean; completed: boolean; first: string }
  >();
  const nextByPerson = new Map<number, { kind: NextStep; date: string }>();
  const parcoursSessions = new Map<string, ParcoursVariant>();
  const trainingSessions = new Set<string>();
  const trainingPeople = new Set<number>();
  for (const r of regRows) {
    const slots = JSON.parse(r.slotsJson) as { date: string }[];
    const dates = slots.map((s) => s.date).sort();
    const attended = Number(r.attended ?? 0);
    const required = requiredHalfDays(slots.length);
    const completed = required > 0 && attended >= required;
    const kind = r.programKind === 'formation' ? 'formation' : 'parcours';
    const variant = kind === 'parcours' ? variantOf(r.programSlug) : null;
    const row: AttendanceRow = {
      registrationId: r.registrationId,
      personId: r.personId,
      eventId: r.eventId,
      programKind: kind,
      variant,
      territory: r.territory,
      firstDate: dates[0] ?? '',
      lastDate: dates.at(-1) ?? '',
      halfDays: slots.length,
      attended,
      completed,
      rsa: r.rsa === 'oui',
      jobSeeker: r.jobSeeker === 'oui',
      communeInsee: r.communeInsee,
      nextStep: (r.nextStep as NextStep | null) ?? null,
      nextStepDate: r.nextStepDate ?? null,
    };
    attendanceRows.push(row);
    if (attended === 0) continue;
    if (kind === 'formation') {
      trainingSessions.add(r.eventId);
      trainingPeople.add(r.personId);
      continue;
    }
    parcoursSessions.set(r.eventId, variant ?? 'autre');
    const seen = parcoursPeople.get(r.personId);
    const first = r.firstAttended ?? row.firstDate;
    parcoursPeople.set(r.personId, {
      rsa: row.rsa,
      jobSeeker: row.jobSeeker,
      completed: (seen?.completed ?? false) || completed,
      first: seen && seen.first < first ? seen.first : first,
    });
    if (row.nextStep && row.nextStepDate) {
      const prev = nextByPerson.get(r.personId);
      if (!prev || prev.date <= row.nextStepDate)
        nextByPerson.set(r.personId, { kind: row.nextStep, date: row.nextStepDate });
    }
  }
  attendanceRows.sort(
    (a, b) =>
      a.firstDate.localeCompare(b.firstDate) || a.eventId.localeCompare(b.eventId) || a.personId - b.personId,
  );

  const sessionsByVariant = { emploi: 0, creation: 0, competences: 0, autre: 0 } as Record<
    ParcoursVariant,
    number
  >;
  for (const v of parcoursSessions.values()) sessionsByVariant[v]++;
  const byMonth = Array.from({ length: 12 }, () => 0);
  let rsa = 0;
  let jobSeekers = 0;
  let completed = 0;
  for (const p of parcoursPeople.values()) {
    if (p.rsa) rsa++;
    if (p.jobSeeker) jobSeekers++;
    if (p.completed) completed++;
    const month = Number(p.first.slice(5, 7));
    if (month >= 1 && month <= 12) byMonth[month - 1]!++;
  }
  const nextSteps = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<NextStep, number>;
  for (const n of nextByPerson.values()) nextSteps[n.kind]++;

  // Individual support.
  const history = new Map<number, { phase: Phase; startedOn: string }[]>();
  for (const ph of phaseRows) {
    const list = history.get(ph.support_id) ?? [];
    list.push({ phase: ph.phase, startedOn: ph.started_on });
    history.set(ph.support_id, list);
  }
  const supportRows: SupportRow[] = supportRowsRaw.map((s) => {
    const list = history.get(s.id) ?? [];
    const endedOn = s.ended_at ? s.ended_at.slice(0, 10) : null;
    const cut = endedOn && endedOn < yearEnd ? endedOn : yearEnd;
    const inYear = list.filter((p) => p.startedOn <= cut);
    return {
      supportId: s.id,
      personId: s.person_id,
      territory: s.territory,
      startedOn: s.started_at.slice(0, 10),
      endedOn,
      phase: inYear.at(-1)?.phase ?? list[0]?.phase ?? s.phase,
      phases: list,
      outcome: s.outcome,
      legalForm: s.legal_form,
      outcomeDate: s.outcome_date,
      jobsCreated: s.jobs_created,
      endReason: s.end_reason,
    };
  });
  supportRows.sort((a, b) => a.startedOn.localeCompare(b.startedOn) || a.supportId - b.supportId);
  const holders = new Set<number>();
  const byPhase = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const phaseOfHolder = new Map<number, Phase>();
  let activitiesCreated = 0;
  let jobsCreated = 0;
  for (const s of supportRows) {
    holders.add(s.personId);
    // One person, one phase: the furthest reached among their supports of the year.
    const prev = phaseOfHolder.get(s.personId);
    if (!prev || PHASES.indexOf(s.phase) > PHASES.indexOf(prev)) phaseOfHolder.set(s.personId, s.phase);
    if (
      s.outcome === 'activite-creee' &&
      s.outcomeDate &&
      s.outcomeDate >= yearStart &&
      s.outcomeDate <= yearEnd
    ) {
      activitiesCreated++;
      jobsCreated += s.jobsCreated ?? 0;
    }
  }
  for (const p of phaseOfHolder.values()) byPhase[p]++;

  const requestCounts = { self: 0, prescriber: 0, advisor: 0 };
  for (const r of requestRows) requestCounts[r.source_type] = Number(r.n);

  return {
    year: filter.year,
    territories: scope ?? [],
    targets,
    parcours: {
      sessions: parcoursSessions.size,
      sessionsByVariant,
      participants: parcoursPeople.size,
      rsa,
      jobSeekers,
      completed,
      byMonth,
      nextSteps,
    },
    supports: { holders: holders.size, byPhase, activitiesCreated, jobsCreated },
    trainings: { sessions: trainingSessions.size, participants: trainingPeople.size },
    requests: requestCounts,
    attendanceRows,
    supportRows,
  };
}

/** Sets a year's targets (an admin): a new row, the earlier ones stay as history. */
export async function setTargets(
  db: Kysely<Database>,
  actorId: string,
  year: number,
  targets: { parcoursParticipants: number; projectHolders: number },
  at: string,
): Promise<void> {
  await db
    .insertInto('indicator_target')
    .values({
      year,
      parcours_participants: targets.parcoursParticipants,
      project_holders: targets.projectHolders,
      set_by: actorId,
      set_at: at,
    })
    .execute();
}

export async function targetHistory(db: Kysely<Database>, year: number) {
  return db
    .selectFrom('indicator_target as t')
    .leftJoin('users as u', 'u.id', 't.set_by')
    .select(['t.id', 't.parcours_participants', 't.project_holders', 't.set_at', 'u.name as set_by_name'])
    .where('t.year', '=', year)
    .orderBy('t.id', 'desc')
    .execute();
}
