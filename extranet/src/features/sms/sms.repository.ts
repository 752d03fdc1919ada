import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Database, SmsMessageRow, SmsMessageTable } from '../../db/database.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The person has asked for no SMS (STOP). */
export async function smsOptedOut(db: Db, personId: number): Promise<boolean> {
  const row = await db
    .selectFrom('person')
    .select('sms_opt_out_at')
    .where('id', '=', personId)
    .executeTakeFirst();
  return Boolean(row?.sms_opt_out_at);
}

/** Of these people, those who asked for no SMS (STOP): one query for a batch. */
export async function optedOutAmong(db: Db, personIds: number[]): Promise<Set<number>> {
  if (!personIds.length) return new Set();
  const rows = await db
    .selectFrom('person')
    .select('id')
    .where('id', 'in', personIds)
    .where('sms_opt_out_at', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Inserts the messages in one statement (an existing dedupe key is skipped); the keys inserted. */
export async function insertSmsMany(db: Db, rows: Insertable<SmsMessageTable>[]): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const inserted = await db
    .insertInto('sms_message')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('dedupe_key')
    .execute();
  return new Set(inserted.map((r) => r.dedupe_key));
}

/**
 * Claims due messages atomically (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a single writer):
 * queued ones whose time has come and claims that expired, until `lockedUntil`.
 */
export async function claimDueSms(
  db: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  claim: { nowIso: string; lockedUntil: string; batchSize: number },
): Promise<SmsMessageRow[]> {
  let due = db
    .selectFrom('sms_message')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('not_before', '<=', claim.nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', claim.nowIso)]),
      ]),
    )
    .orderBy('not_before')
    .orderBy('id')
    .limit(claim.batchSize);
  if (kind === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('sms_message')
    .set((eb) => ({ status: 'sending', locked_until: claim.lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Messages to one number that left in [from, until), and those being sent right now by any instance
 * (but this instance's own batch, `except`): the daily cap per number. Counting the ones in flight means two instances never
 * both send the last allowed one (at worst both wait for the next day).
 */
export async function countSentTo(
  db: Db,
  filter: { to: string; from: string; until: string; except: number[] },
): Promise<number> {
  const row = await db
    .selectFrom('sms_message')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('to_phone', '=', filter.to)
    .where((eb) =>
      eb.or([
        eb.and([eb('sent_at', '>=', filter.from), eb('sent_at', '<', filter.until)]),
        eb.and([eb('status', '=', 'sending'), eb('id', 'not in', filter.except)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A claimed message goes back to the queue for `notBefore` (quiet hours, cap, backoff). */
export async function requeueSms(
  db: Db,
  id: number,
  values: { notBefore: string; lastError: string | null; countAttempt: boolean },
): Promise<void> {
  await db
    .updateTable('sms_message')
    .set((eb) => ({
      status: 'queued',
      not_before: values.notBefore,
      locked_until: null,
      last_error: values.lastError,
      ...(values.countAttempt ? {} : { attempts: eb('attempts', '-', 1) }),
    }))
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** The secret of this attempt's delivery-report URL (its hash), written before the provider is called. */
export async function setCallbackHash(db: Db, id: number, hash: string, provider: string): Promise<void> {
  await db.updateTable('sms_message').set({ callback_hash: hash, provider }).where('id', '=', id).execute();
}

export async function markSmsSent(
  db: Db,
  id: number,
  values: { at: string; providerMessageId: string; delivered: boolean },
): Promise<void> {
  const updated = await db
    .updateTable('sms_message')
    .set({
      status: values.delivered ? 'delivered' : 'sent',
      sent_at: values.at,
      delivered_at: values.delivered ? values.at : null,
      provider_message_id: values.providerMessageId,
      locked_until: null,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  // The delivery report came back before this (delivered, or undelivered and back in « À appeler »):
  // its state stays, only when it left and its id are written.
  if (Number(updated.numUpdatedRows) === 0)
    await db
      .updateTable('sms_message')
      .set({ sent_at: values.at, provider_message_id: values.providerMessageId, locked_until: null })
      .where('id', '=', id)
      .execute();
}

/** Back to « À appeler » with the reason (French): refused, undelivered, or the provider down too long. */
export async function markSmsManual(
  db: Db,
  id: number,
  values: { reason: string; failedAt: string | null; onlyIf: SmsMessageRow['status'][] },
): Promise<boolean> {
  const updated = await db
    .updateTable('sms_message')
    .set({ status: 'manual', last_error: values.reason, failed_at: values.failedAt, locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', values.onlyIf)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** One message, for its delivery report. */
export async function findSms(db: Db, id: number): Promise<SmsMessageRow | undefined> {
  return db.selectFrom('sms_message').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The delivery report said delivered: only a message that left and is not yet known delivered. */
export async function markSmsDelivered(db: Db, id: number, at: string): Promise<boolean> {
  const updated = await db
    .updateTable('sms_message')
    .set({ status: 'delivered', delivered_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['sent', 'sending'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The person answered STOP: no SMS any more (the date kept; an advisor may lift it with their say-so). */
export async function setSmsOptOut(db: Db, personId: number, at: string | null): Promise<boolean> {
  let q = db.updateTable('person').set({ sms_opt_out_at: at }).where('id', '=', personId);
  q = at ? q.where('sms_opt_out_at', 'is', null) : q.where('sms_opt_out_at', 'is not', null);
  const updated = await q.executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Messages not yet left for someone who answered STOP: not sent, but handed to « À appeler » (the
 * news still has to reach them, by a call).
 */
export async function callInsteadOfQueuedSms(db: Db, personId: number): Promise<void> {
  await db
    .updateTable('sms_message')
    .set({
      status: 'manual',
      last_error: 'A répondu STOP : appelez au lieu d’envoyer ce SMS',
      locked_until: null,
    })
    .where('person_id', '=', personId)
    .where('status', '=', 'queued')
    .execute();
}

/** Counts of the SMS written in [from, until): for the admin's monthly volume (never personal data). */
export async function smsCounts(db: Db, bounds: { from: string; until: string }) {
  const n = (condition: ReturnType<typeof sql>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;
  const row = await db
    .selectFrom('sms_message')
    .select([
      (eb) => eb.fn.countAll<number>().as('messages'),
      sql<number>`sum(case when sent_at is not null and provider = 'brevo' then segments else 0 end)`.as(
        'billed',
      ),
      n(sql`sent_at is not null`).as('sent'),
      n(sql`delivered_at is not null`).as('delivered'),
      n(sql`failed_at is not null`).as('failed'),
      n(sql`status = 'done-by-hand'`).as('byHand'),
      n(sql`status = 'manual'`).as('waiting'),
    ])
    .where('created_at', '>=', bounds.from)
    .where('created_at', '<', bounds.until)
    .executeTakeFirstOrThrow();
  return {
    messages: Number(row.messages ?? 0),
    billed: Number(row.billed ?? 0),
    sent: Number(row.sent ?? 0),
    delivered: Number(row.delivered ?? 0),
    failed: Number(row.failed ?? 0),
    byHand: Number(row.byHand ?? 0),
    waiting: Number(row.waiting ?? 0),
  };
}
