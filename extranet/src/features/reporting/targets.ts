import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { DEFAULT_TARGETS } from './indicators.model.ts';

// The yearly targets of the indicators page: one row per change, the latest one applies.

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
