import { parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, EventCopy } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { NotFoundError } from '../registrations/errors.ts';
import { loadRoster } from './roster.service.ts';
import { attendanceStatus, halfDays, parcoursOutcomeKind } from './sessions.rules.ts';
import {
  HalfDayNotYetError,
  recordAttendance,
  recordOutcome,
  UnknownHalfDayError,
} from './sessions.service.ts';

/**
 * The roster page (pages/sessions/[id].astro): its two forms — one person's mark at one half-day,
 * one person's next step after the Parcours — and what the page shows.
 */
const registrationId = z.coerce.number({ error: 'Personne inconnue.' }).int().positive().max(2_147_483_647);
const attendanceForm = z.object({
  registration: registrationId,
  halfDay: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'Choisissez une demi-journée.' }),
  status: attendanceStatus,
});
const outcomeForm = z.object({
  registration: registrationId,
  kind: parcoursOutcomeKind,
  date: z.iso.date({ error: 'Indiquez une date (jj/mm/aaaa).' }),
});

export interface RowError {
  registration: number;
  message: string;
}
export interface OutcomeError extends RowError {
  field: 'kind' | 'date';
  /** what was typed, shown again */
  kind: string;
  date: string;
}

export type RosterActionResult =
  | { done: 'presence'; registration: number; halfDay: string }
  | { done: 'suite'; registration: number }
  | { rowError: RowError; halfDay: string }
  | { outcomeError: OutcomeError }
  | { missing: true }
  | { unknownAction: true };

/** Applies one of the roster's forms (fields as posted); says what to redirect to or show. */
export async function rosterAction(
  db: Kysely<Database>,
  viewer: Viewer,
  eventId: string,
  form: Record<string, string>,
): Promise<RosterActionResult> {
  const registration = Number(form.registration ?? '') || 0;
  if (form.action === 'presence') {
    const halfDay = form.halfDay ?? '';
    const parsed = attendanceForm.safeParse({
      registration: form.registration ?? '',
      halfDay,
      status: form.status ?? '',
    });
    if (!parsed.success)
      return {
        rowError: { registration, message: parsed.error.issues[0]?.message ?? 'Formulaire invalide.' },
        halfDay,
      };
    const rowError = (message: string) => ({
      rowError: { registration: parsed.data.registration, message },
      halfDay,
    });
    try {
      await recordAttendance(db, {
        eventId,
        registrationId: parsed.data.registration,
        halfDay: parsed.data.halfDay,
        status: parsed.data.status,
        viewer,
      });
      return { done: 'presence', registration: parsed.data.registration, halfDay: parsed.data.halfDay };
    } catch (error) {
      if (error instanceof NotFoundError) return { missing: true };
      if (error instanceof UnknownHalfDayError)
        return rowError('Cette demi-journée n’existe plus pour cette session.');
      if (error instanceof HalfDayNotYetError)
        return rowError(
          'Présent ou absent se note à partir du jour de la demi-journée (excusé peut se noter à l’avance).',
        );
      throw error;
    }
  }
  if (form.action === 'suite') {
    const typed = { kind: form.kind ?? '', date: form.date ?? '' };
    const parsed = outcomeForm.safeParse({ registration: form.registration, ...typed });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        outcomeError: {
          registration,
          field: issue?.path[0] === 'date' ? 'date' : 'kind',
          message: issue?.message ?? 'Formulaire invalide.',
          ...typed,
        },
      };
    }
    try {
      await recordOutcome(db, {
        eventId,
        registrationId: parsed.data.registration,
        kind: parsed.data.kind,
        date: parsed.data.date,
        viewer,
      });
      return { done: 'suite', registration: parsed.data.registration };
    } catch (error) {
      if (error instanceof NotFoundError) return { missing: true };
      throw error;
    }
  }
  return { unknownAction: true };
}

/**
 * What the roster page shows: the half-days, the one to mark (the chosen one, else today's, else
 * the last one past, else the first), the roster and its fill rate. Names and phone numbers are
 * personal data: who opened which roster is in the audit log.
 */
export async function rosterView(
  db: Kysely<Database>,
  viewer: Viewer,
  event: EventCopy,
  selected: string | null,
) {
  const days = halfDays(event);
  const today = parisDate();
  const roster = await loadRoster(db, event);
  await audit(db, {
    actorId: viewer.id,
    action: 'session.read',
    entityType: 'session',
    entityId: event.document_id,
  });
  const current =
    days.find((d) => d.key === selected) ??
    days.find((d) => d.date === today) ??
    [...days].reverse().find((d) => d.date < today) ??
    days[0];
  const lastDate = days.at(-1)?.date;
  return {
    days,
    current,
    roster,
    lastDate,
    ended: lastDate !== undefined && lastDate < today,
    fill: event.capacity > 0 ? Math.round((roster.accepted.length / event.capacity) * 100) : 0,
  };
}

/** "First Last", as the roster shows a person. */
export const rosterName = (r: { firstName: string; lastName: string | null }) =>
  `${r.firstName} ${r.lastName ?? ''}`.trim();
