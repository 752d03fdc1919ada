import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';

// A demo step runs once: its marker in app_state says it ran (or what it fixed, e.g. a date).

/** The marker's value, when the step already ran. */
export async function markerOf(db: Kysely<Database>, key: string): Promise<string | undefined> {
  return (await db.selectFrom('app_state').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

/**
 * Writes the marker. False when it was already there: two instances starting together, the
 * first one to write it does the step (claimed first, in the step's transaction).
 */
export async function claimMarker(
  db: Kysely<Database> | Transaction<Database>,
  key: string,
  value: string = now().toISOString(),
): Promise<boolean> {
  const row = await db
    .insertInto('app_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
