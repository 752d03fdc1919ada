import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { readByViewer, registrationScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseSlots } from '../events/events.rules.ts';
import { listOpenActions } from '../notes/notes.service.ts';
import { listCaseload } from '../supports/supports.service.ts';

/** How many actions and quiet supports the dashboard lists (the counts cover them all). */
export const DASHBOARD_ITEMS = 8;

/** Monday and Sunday (Paris dates) of the week holding `today`. */
export function weekOf(today: string): { monday: string; sunday: string } {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const monday = addDays(today, -((weekday + 6) % 7));
  return { monday, sunday: addDays(monday, 6) };
}

/**
 * An advisor's morning: new requests, this week's sessions (from the events copy), next actions
 * due within a week (late ones first) and quiet supports. Advisors see their territories and
 * their own caseload; admins see every territory and every caseload.
 */
export async function dashboard(db: Kysely<Database>, viewer: Viewer) {
  const today = parisDate();
  const { monday, sunday } = weekOf(today);
  const admin = viewer.role === 'admin';
  const [received, newest, events, actions, caseload] = await Promise.all([
    db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(registrationScope(viewer))
      .where('registration.status', '=', 'received')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('registration')
      .innerJoin('person', 'person.id', 'registration.person_id')
      .leftJoin('registration_read', readByViewer(viewer))
      .select([
        'registration.id',
        'registration.reference',
        'registration.kind',
        'registration.created_at',
        'person.first_name',
        'person.last_name',
        'registration_read.read_at',
      ])
      .where(registrationScope(viewer))
      .where('registration.status', '=', 'received')
      .orderBy('registration.created_at', 'desc')
      .orderBy('registration.id', 'desc')
      .limit(5)
      .execute(),
    (() => {
      // Sessions whose first half-day is at most a few weeks before this Sunday (a Parcours
      // spans 5 to 7 half-days): the slots themselves say whether one falls in this week.
      let q = db
        .selectFrom('event_copy')
        .select(['document_id', 'title', 'territory_name', 'slots_json', 'capacity', 'cancelled'])
        .where('removed', '=', 0)
        .where('first_slot_at', '<=', parisInstant(addDays(sunday, 1)).toISOString())
        .where('first_slot_at', '>=', parisInstant(addDays(monday, -70)).toISOString());
      if (!admin)
        q = viewer.territories.length
          ? q.where('territory', 'in', viewer.territories)
          : q.where('territory', '=', '');
      return q.orderBy('first_slot_at').execute();
    })(),
    listOpenActions(db, viewer, { everyone: admin }),
    listCaseload(db, viewer, { advisorId: admin ? null : viewer.id }),
  ]);
  const sessions = events
    .map((e) => ({
      ...e,
      thisWeek: parseSlots(e).filter((s) => s.date >= monday && s.date <= sunday),
    }))
    .filter((e) => e.thisWeek.length > 0);
  const due = actions.filter((a) => (a.due_at ?? '') <= addDays(today, 7));
  const quiet = caseload.filter((s) => s.quiet);
  // A morning's glance: the first few of each list (late and quietest first), with the counts;
  // the full lists are one link away.
  return {
    today,
    week: { monday, sunday },
    newRequests: { count: Number(received.n), newest },
    sessions,
    actionsDue: due.slice(0, DASHBOARD_ITEMS),
    actionsDueCount: due.length,
    quietSupports: quiet.slice(0, DASHBOARD_ITEMS),
    quietCount: quiet.length,
    openSupports: caseload.length,
  };
}
