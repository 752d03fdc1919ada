import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, OutboxTable } from '../../db/database.ts';

/** The outbox page's reading of the table: camelCase rows, snake_case stays here. */
export type OutboxStatus = OutboxTable['status'];
export const OUTBOX_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'held',
] as const satisfies readonly OutboxStatus[];
/** States an admin may send again at once ("send now"). */
const RETRYABLE: OutboxStatus[] = ['pending', 'failed', 'held'];

export interface OutboxListItem {
  id: number;
  kind: string;
  to: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string;
}

/** One page of the outbox, newest first; `hasMore` when an older page exists. */
export async function listOutbox(
  db: Kysely<Database>,
  options: { page: number; pageSize: number; status?: OutboxStatus | undefined },
): Promise<{ items: OutboxListItem[]; hasMore: boolean }> {
  let q = db
    .selectFrom('outbox')
    .select([
      'id',
      'kind',
      'to_address',
      'subject',
      'status',
      'attempts',
      'last_error',
      'created_at',
      'sent_at',
      'next_attempt_at',
    ])
    .orderBy('id', 'desc')
    .limit(options.pageSize + 1)
    .offset((options.page - 1) * options.pageSize);
  if (options.status) q = q.where('status', '=', options.status);
  const rows = await q.execute();
  return {
    items: rows.slice(0, options.pageSize).map((r) => ({
      id: r.id,
      kind: r.kind,
      to: r.to_address,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
      nextAttemptAt: r.next_attempt_at,
    })),
    hasMore: rows.length > options.pageSize,
  };
}

/** How many messages are in each state. */
export async function countOutbox(db: Kysely<Database>): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** A pending, failed or held message goes back to the front of the queue. */
export async function requeueMessage(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: at, locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', RETRYABLE)
    .execute();
}

const attachments = z
  .array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() }))
  .catch([]);

export interface OutboxMessage extends OutboxListItem {
  fromName: string | null;
  replyTo: string | null;
  text: string;
  html: string | null;
  attachments: z.infer<typeof attachments>;
  registrationId: number | null;
  /** the person the message is about (through its request), for the audit log */
  personId: number | null;
}

/** One message as it was (or will be) sent, with the person it is about. */
export async function getOutboxMessage(db: Kysely<Database>, id: number): Promise<OutboxMessage | undefined> {
  const row = await db
    .selectFrom('outbox')
    .leftJoin('registration', 'registration.id', 'outbox.registration_id')
    .selectAll('outbox')
    .select('registration.person_id')
    .where('outbox.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    to: row.to_address,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    nextAttemptAt: row.next_attempt_at,
    fromName: row.from_name,
    replyTo: row.reply_to,
    text: row.text_body,
    html: row.html_body,
    attachments: attachments.parse(row.attachments_json ? JSON.parse(row.attachments_json) : []),
    registrationId: row.registration_id,
    personId: row.person_id ?? null,
  };
}
