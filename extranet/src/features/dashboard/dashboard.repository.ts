import { addDays, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

/** How many requests the viewer may see are still waiting to be read. */
export async function countReceived(db: Kysely<Database>, viewer: Viewer) {
  return db
    .selectFrom('registration')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(registrationScope(viewer))
    .where('registration.status', '=', 'received')
    .executeTakeFirstOrThrow();
}

/** The viewer's five newest waiting requests, with whether anyone of their territory opened each. */
export async function newestReceived(db: Kysely<Database>, viewer: Viewer) {
  return db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select([
      'registration.id',
      'registration.reference',
      'registration.kind',
      'registration.created_at',
      'person.first_name',
      'person.last_name',
      'registration.first_opened_at',
    ])
    .where(registrationScope(viewer))
    .where('registration.status', '=', 'received')
    .orderBy('registration.created_at', 'desc')
    .orderBy('registration.id', 'desc')
    .limit(5)
    .execute();
}

/**
 * Sessions (events copy) in the viewer's territories — every territory for an admin — whose first
 * half-day is at most ten weeks before `sunday`: a Parcours spans 5 to 7 half-days, and its slots
 * say whether one falls in the week.
 */
export async function eventsAroundWeek(
  db: Kysely<Database>,
  viewer: Viewer,
  week: { monday: string; sunday: string },
) {
  let q = db
    .selectFrom('event_copy')
    .select(['document_id', 'title', 'territory_name', 'slots_json', 'capacity', 'cancelled'])
    .where('removed', '=', 0)
    .where('first_slot_at', '<=', parisInstant(addDays(week.sunday, 1)).toISOString())
    .where('first_slot_at', '>=', parisInstant(addDays(week.monday, -70)).toISOString());
  if (viewer.role !== 'admin')
    q = viewer.territories.length
      ? q.where('territory', 'in', viewer.territories)
      : q.where('territory', '=', '');
  return q.orderBy('first_slot_at').execute();
}
