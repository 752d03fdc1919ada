import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/**
 * Remembers an accepted webhook signature until `validUntilMs` (when it stops verifying anyway).
 * Returns false when it was already seen: a replay. One atomic insert, so two instances receiving
 * the same request at once cannot both accept it. Expired entries are swept on the way.
 */
export async function firstDelivery(
  db: Kysely<Database>,
  signature: string,
  validUntilMs: number,
  // The machine's clock, not the app's (@maillage/platform/clock): the CMS signs with its real clock and
  // the signature's 5-minute window is checked against it.
  realNowMs = Date.now(),
): Promise<boolean> {
  const nowIso = new Date(realNowMs).toISOString();
  await db.deleteFrom('webhook_seen').where('expires_at', '<', nowIso).execute();
  const inserted = await db
    .insertInto('webhook_seen')
    .values({ signature, expires_at: new Date(validUntilMs).toISOString() })
    .onConflict((oc) => oc.column('signature').doNothing())
    .returning('signature')
    .executeTakeFirst();
  return inserted !== undefined;
}
