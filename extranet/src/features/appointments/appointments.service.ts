import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { AppointmentStatus, Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { NotifySettings } from '../notifications/context.ts';
import {
  advisorAppointmentsAround,
  advisorsOfTerritory,
  cancelPendingSms,
  findBookablePerson,
  findSupportOfPerson,
  findVisibleAppointment,
  insertAppointment,
  lockAdvisor,
  notesOfAppointment,
  updateAppointment,
  updateAppointmentWithSequence,
} from './appointments.repository.ts';
import {
  type BookingInput,
  endOf,
  overlaps,
  parisClock,
  type RECORDED_STATUSES,
  startInstant,
  type WhenWhere,
} from './appointments.rules.ts';
import { oweMessage } from './messages.service.ts';

type Db = Kysely<Database> | Transaction<Database>;

export class AppointmentNotFoundError extends Error {}
/** The person's identity was erased: no appointment can be booked with them. */
export class ErasedPersonError extends Error {}
export class PastTimeError extends Error {}
export class UnknownAdvisorError extends Error {}
/** Cancelled: it can no longer change (book another one). */
export class AppointmentClosedError extends Error {}
/** A status is recorded only once the appointment has started. */
export class NotStartedError extends Error {}
/** The advisor already has an appointment then: `from`–`until` in Paris time. */
export class OverlapError extends Error {
  constructor(
    readonly from: string,
    readonly until: string,
    readonly own: boolean,
  ) {
    super(
      `${own ? 'Vous avez' : 'Cette personne de l’équipe a'} déjà un rendez-vous de ${from} à ${until} ce jour-là.`,
    );
  }
}

/** What every change needs: the database kind (locks) and the messages' settings. */
export interface AppointmentDeps {
  db: Kysely<Database>;
  kind: DbKind;
  notify: NotifySettings;
}

/** Refuses a time in the past and an overlap with the advisor's other non-cancelled appointments. */
async function checkSlot(
  trx: Db,
  deps: AppointmentDeps,
  viewer: Viewer,
  advisorId: string,
  when: WhenWhere,
  except?: number,
) {
  const start = startInstant(when);
  if (start.getTime() <= now().getTime()) throw new PastTimeError();
  const slot = { starts_at: start.toISOString(), duration_min: when.duration };
  await lockAdvisor(trx, advisorId, deps.kind === 'postgres');
  const around = await advisorAppointmentsAround(trx, advisorId, start, endOf(slot), except);
  const clash = around.find((a) => overlaps(a, slot));
  if (clash)
    throw new OverlapError(parisClock(clash.starts_at), parisClock(endOf(clash)), advisorId === viewer.id);
  return slot;
}

const placeOf = (w: WhenWhere) => ({
  place_kind: w.placeKind,
  // A detail only where it means something: an office or a phone call needs none.
  place_detail: w.placeDetail ?? null,
});

/** Books an appointment with a person the viewer may see; returns its id. */
export async function bookAppointment(
  deps: AppointmentDeps,
  input: { viewer: Viewer; personId: number; booking: BookingInput },
): Promise<number> {
  const { viewer, booking } = input;
  return deps.db.transaction().execute(async (trx) => {
    const person = await findBookablePerson(trx, viewer, input.personId);
    if (!person) throw new AppointmentNotFoundError();
    if (person.erased_at) throw new ErasedPersonError();
    if (booking.support && !(await findSupportOfPerson(trx, person.id, booking.support)))
      throw new AppointmentNotFoundError();
    const advisorId = booking.advisor ?? viewer.id;
    if (advisorId !== viewer.id) {
      // Only admins book for someone else, and only for an active account of the person's territory.
      if (viewer.role !== 'admin') throw new UnknownAdvisorError();
      const allowed = await advisorsOfTerritory(trx, person.territory);
      if (!allowed.some((a) => a.id === advisorId)) throw new UnknownAdvisorError();
    }
    const slot = await checkSlot(trx, deps, viewer, advisorId, booking);
    const at = now().toISOString();
    const id = await insertAppointment(trx, {
      person_id: person.id,
      support_id: booking.support ?? null,
      advisor_id: advisorId,
      territory: person.territory,
      ...slot,
      ...placeOf(booking),
      created_by: viewer.id,
      created_at: at,
      updated_at: at,
    });
    await audit(trx, {
      actorId: viewer.id,
      action: 'appointment.create',
      entityType: 'appointment',
      entityId: id,
      personId: person.id,
      details: { advisor: advisorId, place: booking.placeKind, support: booking.support ?? null },
    });
    await oweMessage(trx, deps.notify, id, 'confirmation');
    return id;
  });
}

async function visible(db: Db, viewer: Viewer, id: number) {
  const row = await findVisibleAppointment(db, viewer, id);
  if (!row) throw new AppointmentNotFoundError();
  return row;
}

/** Moves an appointment (date, time, duration, place); the person is told. */
export async function changeAppointment(
  deps: AppointmentDeps,
  input: { viewer: Viewer; id: number; change: WhenWhere },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const a = await visible(trx, input.viewer, input.id);
    if (a.status !== 'prevu') throw new AppointmentClosedError();
    const slot = await checkSlot(trx, deps, input.viewer, a.advisor_id, input.change, a.id);
    const at = now().toISOString();
    await updateAppointmentWithSequence(trx, a.id, { ...slot, ...placeOf(input.change), updated_at: at });
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'appointment.change',
      entityType: 'appointment',
      entityId: a.id,
      personId: a.person_id,
      details: { before: a.starts_at, after: slot.starts_at, place: input.change.placeKind },
    });
    await cancelPendingSms(trx, a.id);
    await oweMessage(trx, deps.notify, a.id, 'change');
  });
}

/** Cancels an appointment before it happens (by the advisor); the person is told. */
export async function cancelAppointment(
  deps: AppointmentDeps,
  input: { viewer: Viewer; id: number },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const a = await visible(trx, input.viewer, input.id);
    if (a.status !== 'prevu') throw new AppointmentClosedError();
    const at = now().toISOString();
    await updateAppointmentWithSequence(trx, a.id, {
      status: 'annule',
      status_at: at,
      status_by: input.viewer.id,
      updated_at: at,
    });
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'appointment.cancel',
      entityType: 'appointment',
      entityId: a.id,
      personId: a.person_id,
    });
    await cancelPendingSms(trx, a.id);
    // Told only if it was still ahead: nobody needs a cancellation of the past.
    if (Date.parse(a.starts_at) > Date.parse(at)) await oweMessage(trx, deps.notify, a.id, 'cancel');
  });
}

/** Records what happened (venu·e, excusé·e, absent·e, annulé), once the appointment has started. */
export async function recordStatus(
  db: Kysely<Database>,
  input: { viewer: Viewer; id: number; status: (typeof RECORDED_STATUSES)[number] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const a = await visible(trx, input.viewer, input.id);
    if (Date.parse(a.starts_at) > now().getTime()) throw new NotStartedError();
    if (a.status === input.status) return;
    const at = now().toISOString();
    await updateAppointment(trx, a.id, {
      status: input.status as AppointmentStatus,
      status_at: at,
      status_by: input.viewer.id,
      updated_at: at,
    });
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'appointment.status',
      entityType: 'appointment',
      entityId: a.id,
      personId: a.person_id,
      details: { before: a.status, after: input.status },
    });
  });
}

/** The appointment's page: the appointment, its notes; the read is audited. */
export async function readAppointment(db: Kysely<Database>, viewer: Viewer, id: number) {
  const a = await visible(db, viewer, id);
  const notes = await notesOfAppointment(db, a.id);
  await audit(db, {
    actorId: viewer.id,
    action: 'appointment.read',
    entityType: 'appointment',
    entityId: a.id,
    personId: a.person_id,
  });
  return { ...a, notes };
}

/** Who may hold an appointment with this person (the admins' choice in the booking form). */
export const bookableAdvisors = (db: Kysely<Database>, territory: string | null) =>
  advisorsOfTerritory(db, territory);
