import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { pendingSms, touchPerson, updateCall } from './calls.repository.ts';

/**
 * SMS channel. No provider is contracted yet: the default channel sends nothing and says so, and
 * the advisor's "à appeler" view shows the text to send by hand. A provider plugs in here.
 */
export interface SmsChannel {
  /** True when messages can be sent automatically. */
  readonly available: boolean;
  /** Sends one SMS to a normalised French number (+33…). Rejects when it could not. */
  send(to: string, text: string): Promise<{ id: string }>;
}

class SmsNotConfiguredError extends Error {
  constructor() {
    super("Aucun fournisseur de SMS n'est configuré : le message est à envoyer à la main.");
  }
}

export const manualSmsChannel: SmsChannel = {
  available: false,
  async send() {
    throw new SmsNotConfiguredError();
  },
};

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
