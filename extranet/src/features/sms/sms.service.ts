import { createHash, timingSafeEqual } from 'node:crypto';
import * as clock from '@maillage/platform/clock';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database, SmsPurpose } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import {
  callInsteadOfQueuedSms,
  findSms,
  insertSmsMany,
  markSmsDelivered,
  markSmsManual,
  optedOutAmong,
  setSmsOptOut,
} from './sms.repository.ts';
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
  const [queued] = await queueSmsMany(db, [message]);
  return queued as SmsQueued;
}

/**
 * queueSms for a batch (a reminder job's thousands): one opt-out query and one INSERT per 500,
 * in the caller's transaction; the answers in the same order as the messages.
 */
export async function queueSmsMany(db: Db, messages: SmsToQueue[]): Promise<SmsQueued[]> {
  const optedOut = await optedOutAmong(db, [
    ...new Set(messages.map((m) => m.personId).filter((id): id is number => id !== null)),
  ]);
  const now = clock.now();
  const status: 'queued' | 'manual' = automatic ? 'queued' : 'manual';
  const notBefore = nextSmsInstant(now).toISOString();
  const toQueue = messages.filter((m) => m.personId === null || !optedOut.has(m.personId));
  const inserted = new Set<string>();
  for (let i = 0; i < toQueue.length; i += 500) {
    const rows = toQueue.slice(i, i + 500).map((m) => {
      const text = toGsm7(m.text);
      return {
        purpose: m.purpose,
        dedupe_key: m.dedupeKey,
        person_id: m.personId,
        registration_id: m.registrationId ?? null,
        appointment_id: m.appointmentId ?? null,
        to_phone: m.to,
        text_body: text,
        segments: smsSegments(text).segments,
        status,
        not_before: notBefore,
        created_at: now.toISOString(),
      };
    });
    for (const key of await insertSmsMany(db, rows)) inserted.add(key);
  }
  return messages.map((m) =>
    m.personId !== null && optedOut.has(m.personId)
      ? 'opted-out'
      : inserted.has(m.dedupeKey)
        ? status
        : 'duplicate',
  );
}

/**
 * A Brevo delivery report or reply (https://developers.brevo.com/docs/transactional-webhooks, SMS
 * events: sent, accepted, delivered, replied, soft/hard bounce, unsubscribe…). Event names come as
 * `msg_status` or `event`, in camelCase or snake_case: compared without case, spaces nor « _ ».
 */
export const deliveryReportSchema = z.object({
  msg_status: z.string().max(40).optional(),
  event: z.string().max(40).optional(),
  to: z.string().max(32),
  messageId: z.union([z.number(), z.string().max(64)]).optional(),
  reply: z.string().max(1600).optional(),
});
export type DeliveryReport = z.infer<typeof deliveryReportSchema>;

const HARD_FAILURES: Record<string, string> = {
  hardbounce: 'numéro invalide',
  invalidnumber: 'numéro invalide',
  blocked: 'numéro bloqué',
  blacklisted: 'numéro bloqué',
  rejected: 'refusé par l’opérateur',
  error: 'refusé par l’opérateur',
};

/** « STOP », « stop », « Stop. », « STOP SMS »: the person wants no more SMS. */
export function isStop(reply: string | undefined): boolean {
  return /^\s*stop\b/i.test(reply ?? '');
}

function sameSecret(secret: string, hash: string | null): boolean {
  if (!hash) return false;
  const given = createHash('sha256').update(secret).digest();
  const stored = Buffer.from(hash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/**
 * Applies one report to its message, authenticated by the secret of the URL it came to. `not-found`
 * (unknown message or secret: 404, nothing said), `mismatch` (another number: refused, never
 * applied to another person), `applied` or `unchanged` (a replay, a late report: a delivered message
 * is never set back).
 */
export async function applyDeliveryReport(
  db: Kysely<Database>,
  input: { id: number; secret: string; report: DeliveryReport },
): Promise<'not-found' | 'mismatch' | 'applied' | 'unchanged'> {
  return db.transaction().execute(async (trx) => {
    const sms = await findSms(trx, input.id);
    if (!sms || !sameSecret(input.secret, sms.callback_hash)) return 'not-found';
    if (input.report.to.replace(/\D/g, '') !== sms.to_phone.replace(/\D/g, '')) return 'mismatch';
    const event = (input.report.msg_status ?? input.report.event ?? '').toLowerCase().replace(/[\s_-]/g, '');
    const at = clock.now().toISOString();
    if (event === 'delivered') return (await markSmsDelivered(trx, sms.id, at)) ? 'applied' : 'unchanged';
    const failure = HARD_FAILURES[event];
    if (failure) {
      const done = await markSmsManual(trx, sms.id, {
        reason: `Non délivré (${failure}) : à appeler`,
        failedAt: at,
        onlyIf: ['sent', 'sending'],
      });
      return done ? 'applied' : 'unchanged';
    }
    const stop =
      event === 'unsubscribe' ||
      event === 'unsubscribed' ||
      (event.startsWith('repl') && isStop(input.report.reply));
    if (stop && sms.person_id !== null) {
      // Only the person this very message went to: never everyone who shares the number.
      if (!(await setSmsOptOut(trx, sms.person_id, at))) return 'unchanged';
      await callInsteadOfQueuedSms(trx, sms.person_id);
      await audit(trx, {
        actorId: null,
        action: 'person.sms-opt-out',
        entityType: 'person',
        entityId: sms.person_id,
        personId: sms.person_id,
        details: { via: 'sms-stop', sms: sms.id },
      });
      return 'applied';
    }
    return 'unchanged';
  });
}
