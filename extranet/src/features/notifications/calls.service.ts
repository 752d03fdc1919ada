import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../registrations/scope.ts';
import { findCall, touchPerson, updateCall } from './calls.repository.ts';

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
    await trx
      .insertInto('note')
      .values({
        person_id: call.personId,
        author_id: input.viewer.id,
        kind: 'appel',
        occurred_at: now,
        body: input.comment?.trim() ? `${label}. ${input.comment.trim()}` : `${label}.`,
        created_at: now,
      })
      .execute();
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
