import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { requiredHalfDays } from '../sessions/sessions.rules.ts';
import {
  type AttendanceRow,
  type Indicators,
  type NextStep,
  OUTCOME_KINDS,
  type ParcoursVariant,
  territoryIn,
  variantOf,
} from './indicators.model.ts';

/**
 * Parcours and trainings of the year (design §8): a participant is a distinct person with at least
 * one half-day attended in a session held that year (first half-day in the year); cancelled and
 * declined requests never count; completed = 4 half-days or all of a shorter session.
 */
export async function parcoursIndicators(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
): Promise<Pick<Indicators, 'parcours' | 'trainings' | 'attendanceRows'>> {
  // Sessions of the year, with the registrations that may count and their half-days attended.
  const regRows = await db
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
    .where('e.first_slot_at', '>=', bounds.start)
    .where('e.first_slot_at', '<', bounds.end)
    .where('r.status', 'not in', ['cancelled', 'declined'])
    .where(territoryIn('e.territory', scope))
    .execute();

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
