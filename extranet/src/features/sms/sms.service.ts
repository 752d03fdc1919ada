import * as clock from '@maillage/platform/clock';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import type { Kysely, Transaction } from 'kysely';
import type { Database, SmsPurpose } from '../../db/database.ts';
import { insertSms, smsOptedOut } from './sms.repository.ts';
import { nextSmsInstant } from './sms.rules.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SmsToQueue {
  purpose: SmsPurpose;
  /** The same key is queued once, whatever the instance or how often the caller runs. */
  dedupeKey: string;
  personId: number | null;
  registrationId?: number | null;
  appointmentId?: number | null;
  /** E.164, as stored (`+33612345678`) */
  to: string;
  text: string;
}

/**
 * What became of a message: `queued` for the provider (it leaves at the next allowed minute),
 * `manual` waiting in « À appeler » (no provider configured), `duplicate` (already queued, nothing
 * done), `opted-out` (the person answered STOP: nothing queued, the caller uses another channel).
 * Pages say exactly this; never « envoyé » for a queued message.
 */
export type SmsQueued = 'queued' | 'manual' | 'duplicate' | 'opted-out';

/** Whether queued SMS leave by themselves (a provider, or demo mode's folder). Set at start. */
let automatic = false;

export function configureSmsQueue(options: { automatic: boolean }): void {
  automatic = options.automatic;
}

export function smsIsAutomatic(): boolean {
  return automatic;
}

/**
 * Queues one SMS to one person, in the caller's transaction: the text rewritten in GSM-7 (one
 * character outside it triples the price), held until the next minute SMS may be sent.
 */
export async function queueSms(db: Db, message: SmsToQueue): Promise<SmsQueued> {
  if (message.personId !== null && (await smsOptedOut(db, message.personId))) return 'opted-out';
  const text = toGsm7(message.text);
  const now = clock.now();
  const status = automatic ? 'queued' : 'manual';
  const inserted = await insertSms(db, {
    purpose: message.purpose,
    dedupe_key: message.dedupeKey,
    person_id: message.personId,
    registration_id: message.registrationId ?? null,
    appointment_id: message.appointmentId ?? null,
    to_phone: message.to,
    text_body: text,
    segments: smsSegments(text).segments,
    status,
    not_before: nextSmsInstant(now).toISOString(),
    created_at: now.toISOString(),
  });
  return inserted ? status : 'duplicate';
}
