import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, SmsMessageTable } from '../../db/database.ts';

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

/** Inserts the message unless one with the same dedupe key exists; true when inserted. */
export async function insertSms(db: Db, row: Insertable<SmsMessageTable>): Promise<boolean> {
  const result = await db
    .insertInto('sms_message')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
