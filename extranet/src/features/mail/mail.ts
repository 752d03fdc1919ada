import type { Kysely, Transaction } from 'kysely';
import * as clock from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';

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
 * The outbox worker (worker.ts) delivers it later, with retries.
 */
export async function sendMail(
  db: Kysely<Database> | Transaction<Database>,
  message: MailMessage,
): Promise<number> {
  const now = clock.now().toISOString();
  const row = await db
    .insertInto('outbox')
    .values({
      kind: message.kind,
      to_address: message.to,
      reply_to: message.replyTo ?? null,
      from_name: message.fromName ?? null,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html ?? null,
      attachments_json: message.attachments?.length ? JSON.stringify(message.attachments) : null,
      registration_id: message.registrationId ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
