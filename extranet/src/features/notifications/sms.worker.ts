import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { pendingSms, touchPerson, updateCall } from './calls.repository.ts';
import type { SmsChannel } from './sms.ts';

/**
 * Sends the SMS waiting in the "à appeler" list through the provider, when there is one. Each item
 * is claimed first (todo → sending), so two instances never send the same SMS; a failure puts it
 * back in the list with the reason, for an advisor to send by hand.
 */
export async function sendPendingSms(db: Kysely<Database>, sms: SmsChannel, limit = 20): Promise<number> {
  if (!sms.available) return 0;
  let sent = 0;
  for (const item of await pendingSms(db, limit)) {
    if (!(await updateCall(db, item.id, { call_status: 'sending' }, 'todo'))) continue;
    const now = clock.now().toISOString();
    try {
      await sms.send(item.phone, item.text);
      await updateCall(db, item.id, {
        call_status: 'done',
        outcome: 'SMS envoyé automatiquement',
        handled_at: now,
      });
      await touchPerson(db, item.personId, now);
      sent++;
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name;
      await updateCall(db, item.id, {
        call_status: 'todo',
        outcome: `Échec de l’envoi automatique (${code}) : à envoyer à la main`,
      });
    }
  }
  return sent;
}
