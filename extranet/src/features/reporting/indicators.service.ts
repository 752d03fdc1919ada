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
 * columns an admin may tick on an export are read by `exports.view.ts`, apart, and never counted.)
 * Events the CMS no longer publishes stay in event_copy with `removed = 1`: they are counted here.
 */

import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { requiredHalfDays } from '../sessions/sessions.rules.ts';
import { PHASES, type Phase } from '../supports/supports.rules.ts';
import {
  countRequestsBySource,
  findTargets,
  selectAttendance,
  selectSupportsActiveIn,
  setTargets,
} from './indicators.repository.ts';
import { reachIndicators } from './reach.service.ts';
import {
  type AttendanceRow,
  DEFAULT_TARGETS,
  type IndicatorFilter,
  type Indicators,
  type NextStep,
  OUTCOME_KINDS,
  type ParcoursVariant,
  SOURCES,
  type SupportRow,
  scopeTerritories,
  targetsForm,
  variantOf,
  yearBounds,
} from './reporting.rules.ts';

/**
 * The year's indicators for the viewer's territories (design §8 definitions): the Parcours and
 * trainings, the individual support and the requests received, each section in parallel.
 */
export async function computeIndicators(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: IndicatorFilter,
): Promise<Indicators> {
  const scope = scopeTerritories(viewer, filter.territories);
  const { start, end } = yearBounds(filter.year);
  const firstDay = `${filter.year}-01-01`;
  const lastDay = `${filter.year}-12-31`;
  const [parcours, supports, requests, targets, reach] = await Promise.all([
    parcoursIndicators(db, scope, { start, end }),
    supportIndicators(db, scope, { start, end, firstDay, lastDay }),
    requestsBySource(db, scope, { start, end }),
    targetsFor(db, filter.year),
    reachIndicators(db, scope, { start, end, firstDay, lastDay }),
  ]);
  return {
    year: filter.year,
    territories: scope ?? [],
    targets,
    parcours: parcours.parcours,
    supports: supports.supports,
    trainings: parcours.trainings,
    requests,
    reach,
    attendanceRows: parcours.attendanceRows,
    supportRows: supports.supportRows,
  };
}

/** Requests received in the year, by who sent them. */
async function requestsBySource(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
): Promise<Indicators['requests']> {
  const rows = await countRequestsBySource(db, scope, bounds);
  const counts = Object.fromEntries(SOURCES.map((s) => [s, 0])) as Indicators['requests'];
  for (const r of rows) counts[r.source_type] = Number(r.n);
  return counts;
}

/** The target of a year: the latest one an admin set, else the defaults. */
async function targetsFor(db: Kysely<Database>, year: number) {
  const row = await findTargets(db, year);
  return row
    ? { parcoursParticipants: row.parcours_participants, projectHolders: row.project_holders }
    : { ...DEFAULT_TARGETS };
}

/**
 * Parcours and trainings of the year (design §8): a participant is a distinct person with at least
 * one half-day attended in a session held that year (first half-day in the year); cancelled and
 * declined requests never count; completed = 4 half-days or all of a shorter session.
 */
async function parcoursIndicators(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
): Promise<Pick<Indicators, 'parcours' | 'trainings' | 'attendanceRows'>> {
  // Sessions of the year, with the registrations that may count and their half-days attended.
  const regRows = await selectAttendance(db, scope, bounds);

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

  return {
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
    trainings: { sessions: trainingSessions.size, participants: trainingPeople.size },
    attendanceRows,
  };
}

/**
 * Individual support in the year (design §8): a project holder is supported in a year when a
 * support was active at any time in it; one person counts once, in the furthest phase reached.
 */
async function supportIndicators(
  db: Kysely<Database>,
  scope: string[] | null,
  year: { start: string; end: string; firstDay: string; lastDay: string },
): Promise<Pick<Indicators, 'supports' | 'supportRows'>> {
  const [supportRowsRaw, phaseRows] = await selectSupportsActiveIn(db, scope, year);
  const yearStart = year.firstDay;
  const yearEnd = year.lastDay;
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

  return { supports: { holders: holders.size, byPhase, activitiesCreated, jobsCreated }, supportRows };
}

export type TargetsTyped = { annee: string; participants: string; porteurs: string };

/**
 * Sets a year's targets (admins; the page checks the role): a new row, the earlier ones stay as
 * history; audited. Returns the year set, or the French message of each field refused.
 */
export async function saveTargets(
  db: Kysely<Database>,
  viewer: Viewer,
  typed: TargetsTyped,
): Promise<{ year: number } | { errors: Record<string, string> }> {
  const parsed = targetsForm.safeParse(typed);
  if (!parsed.success)
    return { errors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])) };
  const { annee, participants, porteurs } = parsed.data;
  await setTargets(
    db,
    viewer.id,
    annee,
    { parcoursParticipants: participants, projectHolders: porteurs },
    now().toISOString(),
  );
  await audit(db, {
    actorId: viewer.id,
    action: 'indicators.targets',
    entityType: 'indicators',
    entityId: annee,
    details: { year: annee, parcoursParticipants: participants, projectHolders: porteurs },
  });
  return { year: annee };
}
