import { now as clockNow, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { getEvent } from '../events/events.repository.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { setLastContact } from '../persons/persons.repository.ts';
import { DecisionNotAllowedError, NotFoundError, StaleDecisionError } from '../registrations/errors.ts';
import {
  eventRegistration,
  findAttendance,
  findOutcome,
  insertAttendanceMany,
  registrationOnSession,
  unmarkedAccepted,
  upsertAttendance,
  upsertOutcome,
} from './sessions.repository.ts';
import { type AttendanceStatus, halfDays, type ParcoursOutcomeKind } from './sessions.rules.ts';
import { decideAndOffer } from './waitlist.service.ts';

export class UnknownHalfDayError extends Error {
  constructor() {
    super('unknown half-day');
  }
}
/** Présent or absent for a half-day that has not come yet (excusé may be noted in advance). */
export class HalfDayNotYetError extends Error {
  constructor() {
    super('half-day not yet');
  }
}
export class AlreadyCancelledError extends Error {
  constructor(public readonly currentStatus: string) {
    super('already cancelled');
  }
}

/**
 * Reads an accepted registration of a session the viewer may act on, in the caller's transaction.
 * Anything else (another session's registration, another territory, waiting list) is "not found".
 */
async function acceptedOnSession(
  trx: Kysely<Database>,
  viewer: Viewer,
  eventId: string,
  registrationId: number,
) {
  const row = await registrationOnSession(trx, eventId, registrationId);
  if (row?.status !== 'accepted' || !canSeeTerritory(viewer, row.territory)) throw new NotFoundError();
  return row;
}

/**
 * Records (or corrects) one person's attendance at one half-day. A correction keeps the audit
 * trail: the log holds the half-day and the status before and after. Saving the same status again
 * changes nothing and logs nothing.
 */
export async function recordAttendance(
  db: Kysely<Database>,
  input: {
    eventId: string;
    registrationId: number;
    halfDay: string;
    status: AttendanceStatus;
    viewer: Viewer;
  },
): Promise<{ changed: boolean; from: AttendanceStatus | null }> {
  return db.transaction().execute(async (trx) => {
    const reg = await acceptedOnSession(trx, input.viewer, input.eventId, input.registrationId);
    const day = halfDays(reg).find((d) => d.key === input.halfDay);
    if (!day) throw new UnknownHalfDayError();
    if (input.status !== 'excused' && day.date > parisDate()) throw new HalfDayNotYetError();
    const before = await findAttendance(trx, { registrationId: reg.id, date: day.date, start: day.start });
    if (before?.status === input.status) return { changed: false, from: before.status };
    const at = clockNow().toISOString();
    await upsertAttendance(trx, {
      registrationId: reg.id,
      date: day.date,
      start: day.start,
      status: input.status,
      by: input.viewer.id,
      at,
    });
    if (input.status === 'present') await setLastContact(trx, reg.person_id, at);
    await audit(trx, {
      actorId: input.viewer.id,
      action: before ? 'attendance.correct' : 'attendance.record',
      entityType: 'registration',
      entityId: reg.id,
      personId: reg.person_id,
      details: { halfDay: day.key, from: before?.status ?? null, to: input.status },
    });
    return { changed: true, from: before?.status ?? null };
  });
}

/**
 * « Tous présents »: everyone accepted with nothing recorded at this half-day is marked present —
 * except the exceptions sent with it in the same request (absent, excused) — and a mark already
 * there is left as the advisor set it. One transaction, one audit row a person, as if marked one by
 * one. Returns how many were marked (exceptions included) and how many of them were exceptions.
 */
export async function markAllPresent(
  db: Kysely<Database>,
  input: {
    eventId: string;
    halfDay: string;
    viewer: Viewer;
    /** registration id → its mark other than present (ids not unmarked on this half-day are ignored) */
    exceptions?: ReadonlyMap<number, 'absent' | 'excused'>;
  },
): Promise<{ marked: number; exceptions: number }> {
  return db.transaction().execute(async (trx) => {
    const event = await getEvent(trx, input.eventId);
    if (!event || !canSeeTerritory(input.viewer, event.territory)) throw new NotFoundError();
    const day = halfDays(event).find((d) => d.key === input.halfDay);
    if (!day) throw new UnknownHalfDayError();
    if (day.date > parisDate()) throw new HalfDayNotYetError();
    const rows = await unmarkedAccepted(
      trx,
      event.document_id,
      day,
      parisInstant(day.date, day.end).toISOString(),
    );
    const at = clockNow().toISOString();
    const statusOf = (id: number): AttendanceStatus => input.exceptions?.get(id) ?? 'present';
    await insertAttendanceMany(
      trx,
      rows.map((r) => ({
        registrationId: r.id,
        date: day.date,
        start: day.start,
        status: statusOf(r.id),
        by: input.viewer.id,
        at,
      })),
    );
    for (const r of rows) {
      const status = statusOf(r.id);
      if (status === 'present') await setLastContact(trx, r.person_id, at);
      await audit(trx, {
        actorId: input.viewer.id,
        action: 'attendance.record',
        entityType: 'registration',
        entityId: r.id,
        personId: r.person_id,
        details: { halfDay: day.key, from: null, to: status, all: true },
      });
    }
    return { marked: rows.length, exceptions: rows.filter((r) => statusOf(r.id) !== 'present').length };
  });
}

/** What came next for a participant: kind and date (and later the support it led to). Audited. */
export async function recordOutcome(
  db: Kysely<Database>,
  input: {
    eventId: string;
    registrationId: number;
    kind: ParcoursOutcomeKind;
    date: string;
    viewer: Viewer;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const reg = await acceptedOnSession(trx, input.viewer, input.eventId, input.registrationId);
    const before = await findOutcome(trx, reg.id);
    if (before?.kind === input.kind && before.outcome_date === input.date) return;
    const at = clockNow().toISOString();
    await upsertOutcome(trx, {
      registrationId: reg.id,
      kind: input.kind,
      date: input.date,
      by: input.viewer.id,
      at,
    });
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'parcours.outcome',
      entityType: 'registration',
      entityId: reg.id,
      personId: reg.person_id,
      details: {
        from: before ? { kind: before.kind, date: before.outcome_date } : null,
        to: { kind: input.kind, date: input.date },
      },
    });
  });
}

// --- "Je ne peux pas venir" -----------------------------------------------------------------------

/** Who the decision is recorded as when the person cancels from their e-mail (not an account). */
export const SELF_CANCEL_ACTOR = 'lien-je-ne-peux-pas-venir';
const SELF_CANCEL_REASON = 'La personne a indiqué ne pas pouvoir venir (lien de son message).';
const SELF_VIEWER: Viewer = { id: SELF_CANCEL_ACTOR, role: 'admin', territories: [] };

export interface CancelTarget {
  registrationId: number;
  status: string;
  title: string;
  firstDate: string | null;
  firstStart: string | null;
  /** the session has started: the link no longer frees a place */
  started: boolean;
  /** the next date with half-days, today included (Paris), if any is left */
  nextDate: string | null;
}

/** What the public page shows about the registration a link was signed for (no personal data). */
export async function cancelTarget(
  db: Kysely<Database>,
  registrationId: number,
): Promise<CancelTarget | null> {
  const row = await eventRegistration(db, registrationId);
  if (!row) return null;
  const first = halfDays(row)[0];
  return {
    registrationId: row.id,
    status: row.status,
    title: row.title,
    firstDate: first?.date ?? null,
    firstStart: first?.start ?? null,
    started: row.first_slot_at !== null && row.first_slot_at <= clockNow().toISOString(),
    nextDate: halfDays(row).find((d) => d.date >= parisDate())?.date ?? null,
  };
}

/**
 * Once the session has started, « je ne peux pas venir » no longer frees the place (the person is on
 * the Parcours): it notes the next date's half-days « excusé·e », as an advisor may in advance —
 * never over a mark already recorded. Audited like an advisor's mark. Returns that date, or null
 * when the registration is not accepted or no date is left.
 */
export async function excuseNextDate(db: Kysely<Database>, registrationId: number): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const row = await eventRegistration(trx, registrationId);
    const today = parisDate();
    const days = row?.status === 'accepted' ? halfDays(row) : [];
    const date = days.find((d) => d.date >= today)?.date;
    if (!row || !date) return null;
    const at = clockNow().toISOString();
    for (const day of days.filter((d) => d.date === date)) {
      if (await findAttendance(trx, { registrationId: row.id, date: day.date, start: day.start })) continue;
      await insertAttendanceMany(trx, [
        {
          registrationId: row.id,
          date: day.date,
          start: day.start,
          status: 'excused',
          by: SELF_CANCEL_ACTOR,
          at,
        },
      ]);
      await audit(trx, {
        actorId: SELF_CANCEL_ACTOR,
        action: 'attendance.record',
        entityType: 'registration',
        entityId: row.id,
        personId: row.person_id,
        details: { halfDay: day.key, from: null, to: 'excused' },
      });
    }
    return date;
  });
}

/**
 * The person says they cannot come: the registration is cancelled with a reason through the same
 * decision as an advisor's (capacity lock, audit log, "inscription annulée" message to the person
 * and the professional), and the freed place is offered to the waiting list in the same
 * transaction, as when an advisor cancels.
 */
export async function cancelFromLink(
  db: Kysely<Database>,
  kind: DbKind,
  registrationId: number,
  notify: NotifySettings,
): Promise<{ proposeRegistrationId: number | null }> {
  const target = await cancelTarget(db, registrationId);
  if (!target) throw new NotFoundError();
  if (!['received', 'accepted', 'waitlisted'].includes(target.status))
    throw new AlreadyCancelledError(target.status);
  try {
    const result = await decideAndOffer(
      db,
      kind,
      {
        registrationId,
        decision: 'cancel',
        reason: SELF_CANCEL_REASON,
        viewer: SELF_VIEWER,
      },
      notify,
    );
    return { proposeRegistrationId: result.proposeRegistrationId };
  } catch (error) {
    // Two taps on the button at once: the second finds the place already freed.
    if (error instanceof DecisionNotAllowedError || error instanceof StaleDecisionError)
      throw new AlreadyCancelledError(error.currentStatus);
    throw error;
  }
}
