import { now, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { personEmails } from '../notifications/delivery.view.ts';
import {
  attendanceOfPerson,
  openActionsOfPerson,
  requestsOfPerson,
  upcomingAppointments,
} from './file.repository.ts';

/**
 * The blocks of a person's file besides its identity and timeline: requests (with needs), sessions
 * with their attendance, what is to come (appointments, next actions: « À venir », apart from the
 * past timeline) and the e-mails sent with their delivery. Read together with getPersonFile, whose
 * `person.read` audit entry covers the whole file.
 */
export async function personFileBlocks(db: Kysely<Database>, viewer: Viewer, personId: number) {
  const today = parisDate();
  const [requests, attendance, appointments, actions, emails] = await Promise.all([
    requestsOfPerson(db, viewer, personId),
    attendanceOfPerson(db, viewer, personId),
    upcomingAppointments(db, personId, now().toISOString()),
    openActionsOfPerson(db, personId),
    personEmails(db, personId),
  ]);
  const byRequest = new Map<number, typeof attendance>();
  for (const a of attendance)
    byRequest.set(a.registration_id, [...(byRequest.get(a.registration_id) ?? []), a]);
  const sessions = requests
    .filter((r) => r.kind === 'event' && r.event_id)
    .map((r) => ({ ...r, attendance: byRequest.get(r.id) ?? [] }));
  const needs = {
    transport: requests.some((r) => r.needs_transport),
    childcare: requests.some((r) => r.needs_childcare),
    accessibility: requests.some((r) => r.needs_accessibility),
    details: requests.map((r) => r.needs_details).filter((d): d is string => Boolean(d)),
  };
  return {
    requests,
    sessions,
    needs,
    appointments,
    nextAppointment: appointments[0] ?? null,
    actions: actions.map((a) => ({ ...a, late: a.due_at !== null && a.due_at < today })),
    emails,
  };
}
export type PersonFileBlocks = Awaited<ReturnType<typeof personFileBlocks>>;
