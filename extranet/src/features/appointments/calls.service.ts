import { now, parisDate } from '@maillage/platform/clock';
import { formatDay } from '@maillage/platform/dates';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { insertCallNote, touchPerson } from '../notifications/calls.repository.ts';
import {
  appointmentCallsToMake,
  findAppointmentCall,
  markAppointmentCalled,
} from './appointments.repository.ts';
import { PLACE_KIND_LABEL, parisClock } from './appointments.rules.ts';
import { AppointmentNotFoundError } from './appointments.service.ts';

/*
 * People who prefer a call hear of their appointment by phone: its reminder two days before, a
 * change or a cancellation wait in « À appeler », with the words to say, until an advisor records
 * the call (a note « appel » on the file).
 */

const ABOUT = {
  'reminder-2d': 'Rappel de rendez-vous',
  change: 'Rendez-vous déplacé',
  cancel: 'Rendez-vous annulé',
} as const;

const when = (startsAt: string) => `${formatDay(parisDate(new Date(startsAt)))} à ${parisClock(startsAt)}`;

/** The appointment calls to make, each with what to say. The list is a read of names and numbers: audited. */
export async function appointmentCalls(db: Kysely<Database>, viewer: Viewer) {
  const at = now();
  const rows = await appointmentCallsToMake(
    db,
    viewer,
    at.toISOString(),
    new Date(at.getTime() - 7 * 86_400_000).toISOString(),
  );
  if (rows.length)
    await audit(db, {
      actorId: viewer.id,
      action: 'appointment.call-list',
      entityType: 'appointment',
      details: { shown: rows.length },
    });
  return rows.map((r) => {
    const purpose = r.purpose as keyof typeof ABOUT;
    const place = `${PLACE_KIND_LABEL[r.place_kind].toLowerCase()}${r.place_detail ? ` (${r.place_detail})` : ''}`;
    const hello = `Bonjour ${r.first_name}, c’est Maillage.`;
    const script =
      purpose === 'cancel'
        ? `${hello} Votre rendez-vous du ${when(r.starts_at)} est annulé. Voulez-vous en fixer un autre ?`
        : purpose === 'change'
          ? `${hello} Votre rendez-vous a changé : il est maintenant le ${when(r.starts_at)}, ${place}. Cela vous va ?`
          : `${hello} Je vous rappelle votre rendez-vous du ${when(r.starts_at)}, ${place}. Vous pourrez venir ?`;
    return { ...r, about: ABOUT[purpose] ?? r.purpose, script };
  });
}

/** The call made: marked once, a note « appel » on the person's file, audited. */
export async function recordAppointmentCall(
  db: Kysely<Database>,
  input: { viewer: Viewer; messageId: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const call = await findAppointmentCall(trx, input.viewer, input.messageId);
    if (!call) throw new AppointmentNotFoundError();
    const at = now().toISOString();
    if (!(await markAppointmentCalled(trx, call.id, input.viewer.id, at)))
      throw new AppointmentNotFoundError();
    const about = ABOUT[call.purpose as keyof typeof ABOUT] ?? 'Rendez-vous';
    await insertCallNote(trx, {
      personId: call.person_id,
      appointmentId: call.appointment_id,
      authorId: input.viewer.id,
      at,
      body: `${about} du ${when(call.starts_at)} : la personne est prévenue par téléphone.`,
    });
    await touchPerson(trx, call.person_id, at);
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'appointment.call',
      entityType: 'appointment',
      entityId: call.appointment_id,
      personId: call.person_id,
      details: { purpose: call.purpose },
    });
  });
}
