import { z } from 'zod';
import type { EventCopy } from '../../db/database.ts';
import { parseSlots, type Slot } from '../events/events.rules.ts';

/** The sessions' pure rules: half-days of a session, attendance, completion of a Parcours, outcomes. */

/** A half-day of a session: its key in forms and URLs is `YYYY-MM-DDTHH:MM` (no personal data). */
export interface HalfDay {
  key: string;
  date: string;
  start: string;
  end: string;
  label: string | null;
}

export function halfDays(event: Pick<EventCopy, 'slots_json'>): HalfDay[] {
  return parseSlots(event)
    .filter((s: Slot) => s.date)
    .map((s) => ({
      key: `${s.date}T${(s.start ?? '').slice(0, 5)}`,
      date: s.date,
      start: (s.start ?? '').slice(0, 5),
      end: (s.end ?? '').slice(0, 5),
      label: s.label ?? null,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Attendance of one person at one half-day, as advisors record it. */
export const attendanceStatus = z.enum(['present', 'absent', 'excused'], {
  error: 'Choisissez présent, absent ou excusé.',
});
export type AttendanceStatus = z.infer<typeof attendanceStatus>;

export const ATTENDANCE_LABEL: Record<AttendanceStatus, string> = {
  present: 'Présent·e',
  absent: 'Absent·e',
  excused: 'Excusé·e',
};

/** A Parcours counts as completed at 4 half-days attended; shorter sessions need every half-day. */
const COMPLETION_THRESHOLD = 4;

/** How many half-days attended make a session completed, for a session of `halfDays` half-days. */
export function requiredHalfDays(halfDays: number): number {
  return Math.max(0, Math.min(COMPLETION_THRESHOLD, halfDays));
}

export interface Completion {
  attended: number;
  required: number;
  completed: boolean;
  /** half-days excused (a known reason): neither attended nor a no-show */
  excused: number;
  /** half-days with nothing recorded yet */
  unrecorded: number;
}

/**
 * Completion of one participant: `statuses` holds what is recorded, one entry per half-day (missing
 * half-days are simply absent from the list). A session without half-days is never "completed".
 * Only « présent » counts toward completion (design §8, unchanged): an excused half-day is not
 * attended, but it is not a no-show either — the no-show rate (reporting/no-show.rules.ts) and the
 * no-show rule of the waiting list count « absent » only.
 */
export function completion(halfDays: number, statuses: readonly AttendanceStatus[]): Completion {
  const attended = statuses.filter((s) => s === 'present').length;
  const required = requiredHalfDays(halfDays);
  return {
    attended,
    required,
    completed: required > 0 && attended >= required,
    excused: statuses.filter((s) => s === 'excused').length,
    unrecorded: Math.max(0, halfDays - statuses.length),
  };
}

/** What came next after a Parcours (issue 10, item 6). */
export const parcoursOutcomeKind = z.enum(
  ['emploi', 'formation', 'creation', 'recherche', 'sans-nouvelles'],
  {
    error: 'Choisissez ce qui a suivi le Parcours.',
  },
);
export type ParcoursOutcomeKind = z.infer<typeof parcoursOutcomeKind>;

export const OUTCOME_LABEL: Record<ParcoursOutcomeKind, string> = {
  emploi: 'Emploi',
  formation: 'Formation',
  creation: 'Création d’activité',
  recherche: 'En recherche',
  'sans-nouvelles': 'Sans nouvelles',
};
