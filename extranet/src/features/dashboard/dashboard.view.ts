import { addDays, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { statusNudge, todayAppointments } from '../appointments/agenda.view.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseSlots } from '../events/events.rules.ts';
import { listOpenActions } from '../notes/notes.service.ts';
import { countWaitingForHuman } from '../notifications/calls.repository.ts';
import { halfDays } from '../sessions/sessions.rules.ts';
import { listCaseload } from '../supports/supports.service.ts';
import { countReceived, eventsAroundWeek, newestReceived } from './dashboard.repository.ts';

/** How many actions and quiet supports the dashboard lists (the counts cover them all). */
const DASHBOARD_ITEMS = 8;

/** Monday and Sunday (Paris dates) of the week holding `today`. */
export function weekOf(today: string): { monday: string; sunday: string } {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const monday = addDays(today, -((weekday + 6) % 7));
  return { monday, sunday: addDays(monday, 6) };
}

/**
 * An advisor's morning (the home page and « Ma journée »): new requests, this week's sessions (from the events copy), next actions
 * due within a week (late ones first) and quiet supports. Advisors see their territories and
 * their own caseload; admins see every territory and every caseload.
 */
export async function dashboard(db: Kysely<Database>, viewer: Viewer) {
  const today = parisDate();
  const { monday, sunday } = weekOf(today);
  const admin = viewer.role === 'admin';
  const [received, newest, events, actions, caseload, withoutStatus, appointmentsToday, waitingForHuman] =
    await Promise.all([
      countReceived(db, viewer),
      newestReceived(db, viewer),
      eventsAroundWeek(db, viewer, { monday, sunday }),
      listOpenActions(db, viewer, { everyone: admin }),
      listCaseload(db, viewer, { advisorId: admin ? null : viewer.id }),
      statusNudge(db, viewer),
      todayAppointments(db, viewer),
      countWaitingForHuman(db, viewer),
    ]);
  const sessions = events
    .map((e) => ({
      ...e,
      thisWeek: parseSlots(e).filter((s) => s.date >= monday && s.date <= sunday),
    }))
    .filter((e) => e.thisWeek.length > 0);
  const due = actions.filter((a) => (a.due_at ?? '') <= addDays(today, 7));
  const quiet = caseload.filter((s) => s.quiet);
  // « Ma journée »: what is due today or late, the half-days held today, the supports to close.
  const dueNow = actions.filter((a) => (a.due_at ?? '') <= today);
  const halfDaysToday = sessions.flatMap((e) =>
    e.cancelled
      ? []
      : halfDays(e)
          .filter((d) => d.date === today)
          .map((d) => ({ eventId: e.document_id, title: e.title, territory: e.territory_name, ...d })),
  );
  const toClose = caseload.filter((s) => s.end.state !== 'ok');
  // The board names people (appointments, requests, actions, supports): a read, recorded with
  // how many of each are shown, never who.
  await audit(db, {
    actorId: viewer.id,
    action: 'dashboard.list',
    entityType: 'person',
    details: {
      appointments: appointmentsToday.length,
      requests: newest.length,
      actions: Math.min(DASHBOARD_ITEMS, Math.max(due.length, dueNow.length)),
      supports: Math.min(DASHBOARD_ITEMS, quiet.length) + Math.min(DASHBOARD_ITEMS, toClose.length),
    },
  });
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
    /** the viewer's appointments still without a status more than 2 days after their time */
    withoutStatus,
    /** the viewer's own appointments of today */
    appointmentsToday,
    /** the sessions' half-days held today (attendance to record) */
    halfDaysToday,
    /** calls to make and SMS to send by hand, in « À appeler » */
    waitingForHuman,
    actionsNow: dueNow.slice(0, DASHBOARD_ITEMS),
    actionsNowCount: dueNow.length,
    /** open supports reaching their 3 years (within 60 days, or past) */
    toClose: toClose.slice(0, DASHBOARD_ITEMS),
    toCloseCount: toClose.length,
  };
}
