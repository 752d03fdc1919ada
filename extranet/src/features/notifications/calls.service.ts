import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import {
  findCall,
  findManualSms,
  insertCallNote,
  markSmsDoneByHand,
  touchPerson,
  updateCall,
} from './calls.repository.ts';

// The advisors' "à appeler" list: what was said on each call (calls.repository.ts reads the list).

export const CALL_OUTCOMES = {
  joint: 'Personne jointe, message transmis',
  'sms-envoye': 'SMS envoyé',
  'message-laisse': 'Message laissé sur le répondeur',
  injoignable: 'Injoignable (à réessayer)',
} as const;
export type CallOutcome = keyof typeof CALL_OUTCOMES;

export class CallNotFoundError extends Error {}

/**
 * Records the outcome of a call: the item leaves the list (or stays, when the person could not be
 * reached), a note "appel" is added to the person's file, and the audit log says who did it.
 */
export async function recordCallOutcome(
  db: Kysely<Database>,
  input: { id: number; outcome: CallOutcome; comment?: string | null | undefined; viewer: Viewer },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const call = await findCall(trx, input.id);
    if (call?.callStatus !== 'todo' || !canSeeTerritory(input.viewer, call.territory))
      throw new CallNotFoundError();
    const now = clock.now().toISOString();
    const label = CALL_OUTCOMES[input.outcome];
    const reached = input.outcome !== 'injoignable';
    await updateCall(trx, call.id, {
      call_status: reached ? 'done' : 'todo',
      outcome: label,
      handled_by: input.viewer.id,
      handled_at: now,
    });
    await insertCallNote(trx, {
      personId: call.personId,
      authorId: input.viewer.id,
      at: now,
      body: input.comment?.trim() ? `${label}. ${input.comment.trim()}` : `${label}.`,
    });
    if (reached) await touchPerson(trx, call.personId, now);
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'notification.call',
      entityType: 'registration',
      entityId: call.registrationId,
      personId: call.personId,
      details: { outcome: input.outcome },
    });
  });
}

/**
 * Records what an advisor did with an SMS waiting in « À appeler » (sent by hand, or called): it
 * leaves the list (it stays when the person could not be reached), a note « appel » goes on the
 * person's file, the audit log says who did it.
 */
export async function recordSmsByHand(
  db: Kysely<Database>,
  input: { id: number; outcome: CallOutcome; comment?: string | null | undefined; viewer: Viewer },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sms = await findManualSms(trx, input.id);
    const territory = sms
      ? sms.registration_id !== null
        ? sms.registration_territory
        : sms.person_territory
      : null;
    if (sms?.status !== 'manual' || !canSeeTerritory(input.viewer, territory ?? null))
      throw new CallNotFoundError();
    const now = clock.now().toISOString();
    const label = CALL_OUTCOMES[input.outcome];
    const reached = input.outcome !== 'injoignable';
    if (reached && !(await markSmsDoneByHand(trx, sms.id, input.viewer.id))) throw new CallNotFoundError();
    if (sms.person_id !== null) {
      await insertCallNote(trx, {
        personId: sms.person_id,
        authorId: input.viewer.id,
        at: now,
        body: input.comment?.trim() ? `${label}. ${input.comment.trim()}` : `${label}.`,
      });
      if (reached) await touchPerson(trx, sms.person_id, now);
    }
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'notification.sms-by-hand',
      entityType: 'sms_message',
      entityId: sms.id,
      personId: sms.person_id,
      details: { outcome: input.outcome },
    });
  });
}
