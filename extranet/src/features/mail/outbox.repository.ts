import { type Insertable, type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DbKind } from '../../db/connect.ts';
import type { Database, OutboxRow, OutboxTable } from '../../db/database.ts';

/**
 * The outbox table: writing a message (mail.service.ts), the worker's claims and outcomes
 * (outbox.job.ts), and the outbox page's reading of it (camelCase rows, snake_case stays here).
 */

/** Writes one message; in the caller's transaction when `db` is one. Returns its id. */
export async function insertOutboxMessage(db: Kysely<Database>, values: Insertable<OutboxTable>) {
  const row = await db.insertInto('outbox').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Many messages in one statement (a job queuing thousands at once). */
export async function insertOutboxMessages(db: Kysely<Database>, rows: Insertable<OutboxTable>[]) {
  if (rows.length) await db.insertInto('outbox').values(rows).execute();
}

/**
 * PostgreSQL: holds a lock on one address's daily cap until the transaction ends, so concurrent
 * requests to that address are counted one after the other (SQLite has one writer at a time).
 */
export async function lockAddressCap(db: Kysely<Database>, to: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`mail-cap:${to}`}))`.execute(db);
}

/** Messages of these kinds written to one address in [from, until), those held aside. */
export async function countSentTo(
  db: Kysely<Database>,
  filter: { to: string; from: string; until: string; kinds: string[] },
): Promise<number> {
  const sent = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('to_address', '=', filter.to)
    .where('created_at', '>=', filter.from)
    .where('created_at', '<', filter.until)
    .where('kind', 'in', filter.kinds)
    .where('status', '!=', 'held')
    .executeTakeFirstOrThrow();
  return Number(sent.n);
}

/**
 * Claims due messages atomically (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a single writer):
 * pending ones whose time has come and claims that expired, until `lockedUntil`.
 */
export async function claimDueMessages(
  db: Kysely<Database>,
  kind: DbKind,
  claim: { nowIso: string; lockedUntil: string; batchSize: number },
): Promise<OutboxRow[]> {
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', claim.nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', claim.nowIso)]),
      ]),
    )
    .orderBy('id')
    .limit(claim.batchSize);
  if (kind === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', locked_until: claim.lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

export async function markSent(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: at, locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: back to pending for `nextAttemptAt`, or failed for good. */
export async function markAttemptFailed(
  db: Kysely<Database>,
  id: number,
  outcome: { failed: boolean; error: string; nextAttemptAt: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: outcome.failed ? 'failed' : 'pending',
      locked_until: null,
      last_error: outcome.error,
      next_attempt_at: outcome.nextAttemptAt,
    })
    .where('id', '=', id)
    .execute();
}

/* The outbox page. */
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
