import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { listCalls, listManualSms } from './calls.repository.ts';

/** What « À appeler » lists: the calls to make, the SMS to send by hand (each with why). */
export async function callsView(db: Kysely<Database>, viewer: Viewer) {
  const calls = await listCalls(db, viewer);
  const sms = await listManualSms(db, viewer);
  // Names and phone numbers of everyone on the list: a read, recorded (how many, not who).
  await audit(db, {
    actorId: viewer.id,
    action: 'call.list',
    entityType: 'notification',
    details: { shown: calls.length, sms: sms.length },
  });
  return { calls, sms };
}

/** Why a call is to be made (« À appeler »): a call-back request, news of a request to give… */
export const CALL_PURPOSE: Record<string, string> = {
  receipt: 'Demande de rappel',
  decision: 'Réponse à donner',
  offer: 'Place proposée',
  reminder: 'Rappel de session',
  'session-reminder': 'Rappel de session',
  'place-offer': 'Place proposée',
  'appointment-confirmation': 'Rendez-vous',
  'appointment-change': 'Rendez-vous modifié',
  'appointment-cancellation': 'Rendez-vous annulé',
  'appointment-reminder': 'Rappel de rendez-vous',
};

/** What a message (SMS or e-mail) already written is about: what the person receives. */
export const MESSAGE_ABOUT: Record<string, string> = {
  ...CALL_PURPOSE,
  receipt: 'Accusé de réception',
  decision: 'Réponse à la demande',
};
