import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';

// Every query of the indicators and their exports. The indicators read ONLY what survives
// anonymisation (indicators.service.ts says what); `selectContacts` is the exports' one exception.

/**
 * The territory condition of a scope (see scopeTerritories): none for every territory, nothing for
 * an empty list, else the column among the scope's territories.
 */
export function territoryIn(column: string, scope: string[] | null) {
  if (!scope) return sql<boolean>`1 = 1`;
  if (!scope.length) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(scope)})`;
}

/**
 * Sessions (Parcours and trainings) held in the year — first half-day within `bounds` — with the
 * registrations that may count (neither cancelled nor declined), their person's situation, the
 * Parcours outcome and the half-days attended.
 */
export async function selectAttendance(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  return db
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
}

/**
 * Supports active at some time in the year (started before its end, not ended before its start),
 * and the phase rows of those supports, in order.
 */
export async function selectSupportsActiveIn(
  db: Kysely<Database>,
  scope: string[] | null,
  year: { start: string; end: string },
) {
  const { start, end } = year;
  const activeInYear = db
    .selectFrom('support as s')
    .innerJoin('person as p', 'p.id', 's.person_id')
    .where('s.started_at', '<', end)
    .where((eb) => eb.or([eb('s.ended_at', 'is', null), eb('s.ended_at', '>=', start)]))
    .where(territoryIn('p.territory', scope));
  return Promise.all([
    activeInYear
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
      .execute(),
    activeInYear
      .innerJoin('support_phase as ph', 'ph.support_id', 's.id')
      .select(['ph.support_id', 'ph.phase', 'ph.started_on'])
      .orderBy('ph.support_id')
      .orderBy('ph.started_on')
      .orderBy('ph.id')
      .execute(),
  ]);
}

/** Requests received within `bounds`, counted by who sent them. */
export async function countRequestsBySource(
  db: Kysely<Database>,
  scope: string[] | null,
  bounds: { start: string; end: string },
) {
  return db
    .selectFrom('registration')
    .select((eb) => ['source_type', eb.fn.countAll<number>().as('n')])
    .where('created_at', '>=', bounds.start)
    .where('created_at', '<', bounds.end)
    .where(territoryIn('territory', scope))
    .groupBy('source_type')
    .execute();
}

/** The latest target row an admin set for a year, if any. */
export async function findTargets(db: Kysely<Database>, year: number) {
  return db
    .selectFrom('indicator_target')
    .select(['parcours_participants', 'project_holders'])
    .where('year', '=', year)
    .orderBy('id', 'desc')
    .executeTakeFirst();
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

/** Every target set for a year, newest first, with who set it. */
export async function targetHistory(db: Kysely<Database>, year: number) {
  return db
    .selectFrom('indicator_target as t')
    .leftJoin('users as u', 'u.id', 't.set_by')
    .select(['t.id', 't.parcours_participants', 't.project_holders', 't.set_at', 'u.name as set_by_name'])
    .where('t.year', '=', year)
    .orderBy('t.id', 'desc')
    .execute();
}

/** Contact details of these people (at most 500 ids a call). */
export async function selectContacts(db: Kysely<Database>, ids: number[]) {
  return db
    .selectFrom('person')
    .select(['id', 'first_name', 'last_name', 'phone', 'email'])
    .where('id', 'in', ids)
    .execute();
}
