import { addDays, now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database, OutboxTable } from '../../db/database.ts';
import {
  countSentTo,
  insertOutboxMessage,
  insertOutboxMessages,
  lockAddressCap,
} from './outbox.repository.ts';

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** text content (e.g. an .ics file) */
  content: string;
}

export interface MailMessage {
  /** what the message is, for the outbox page: receipt, new-request, decision, invitation, password-reset… */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  replyTo?: string | undefined;
  /** Sender's display name (the territory's team); the address stays MAIL_FROM's. */
  fromName?: string | undefined;
  attachments?: MailAttachment[] | undefined;
  registrationId?: number | undefined;
}

/**
 * The one way to send an email: it is written to the outbox table, in the caller's transaction
 * when `db` is one, so the message exists if and only if the change that caused it was committed.
 * The outbox worker (outbox.job.ts) delivers it later, with retries.
 */
export async function sendMail(
  db: Kysely<Database> | Transaction<Database>,
  message: MailMessage,
  /** Stored but not sent, with this reason for the outbox page (see sendCappedMail). */
  heldBecause?: string,
): Promise<number> {
  return insertOutboxMessage(db, outboxRow(message, heldBecause));
}

/** sendMail for many messages at once: one INSERT per 500 (a job queuing thousands of reminders). */
export async function sendMails(
  db: Kysely<Database> | Transaction<Database>,
  messages: MailMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500)
    await insertOutboxMessages(
      db,
      messages.slice(i, i + 500).map((m) => outboxRow(m)),
    );
}

function outboxRow(message: MailMessage, heldBecause?: string): Insertable<OutboxTable> {
  const at = now().toISOString();
  return {
    kind: message.kind,
    to_address: message.to,
    reply_to: message.replyTo ?? null,
    from_name: message.fromName ?? null,
    subject: message.subject,
    text_body: message.text,
    html_body: message.html ?? null,
    attachments_json: message.attachments?.length ? JSON.stringify(message.attachments) : null,
    registration_id: message.registrationId ?? null,
    status: heldBecause ? 'held' : 'pending',
    last_error: heldBecause ?? null,
    attempts: 0,
    next_attempt_at: at,
    created_at: at,
  };
}

/** Messages that anyone can cause with a public form: what the daily cap counts. */
const CAPPED_KINDS = ['receipt', 'prescriber-receipt'];
/** At most this many of them to one address per Paris calendar day. */
const RECEIPTS_PER_ADDRESS_PER_DAY = 3;
export const HELD_REASON = `Non envoyé : cette adresse a déjà reçu ${RECEIPTS_PER_ADDRESS_PER_DAY} accusés de réception aujourd’hui (protection contre l’envoi de courriels à des inconnus par les formulaires publics).`;

/**
 * A receipt caused by a public form: sent like any message, unless its address already had
 * RECEIPTS_PER_ADDRESS_PER_DAY of them this Paris day; then it is stored as `held` with the reason,
 * for the outbox page and the request page, and not sent. Counted in the database, so the cap holds
 * across server instances; concurrent requests to one address are serialised (PostgreSQL: a lock
 * on the address for the transaction; SQLite: one writer at a time).
 */
export async function sendCappedMail(
  db: Kysely<Database> | Transaction<Database>,
  kind: DbKind,
  message: MailMessage,
  limit = RECEIPTS_PER_ADDRESS_PER_DAY,
): Promise<{ id: number; held: boolean }> {
  const to = message.to.trim().toLowerCase();
  if (kind === 'postgres') await lockAddressCap(db, to);
  const today = parisDate(now());
  const sent = await countSentTo(db, {
    to,
    from: parisInstant(today).toISOString(),
    until: parisInstant(addDays(today, 1)).toISOString(),
    kinds: CAPPED_KINDS,
  });
  const held = sent >= limit;
  const id = await sendMail(db, { ...message, to }, held ? HELD_REASON : undefined);
  return { id, held };
}
