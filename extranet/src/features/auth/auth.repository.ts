import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/** The sign-in's queries: accounts (`users`, better-auth's table) and the throttle counters. */

export async function findUserIdByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
}

export async function findUserDisabled(db: Kysely<Database>, userId: string) {
  return db.selectFrom('users').select('disabled').where('id', '=', userId).executeTakeFirst();
}

export async function findThrottleRows(db: Kysely<Database>, keys: string[]) {
  return db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute();
}

/**
 * Counts one failure in one atomic upsert (concurrent failures on several instances all count): the
 * counter starts again at 1 when the last failure is older than `forgetBefore`. Returns the count.
 */
export async function upsertThrottleFailure(
  db: Kysely<Database>,
  row: { key: string; nowIso: string; forgetBefore: string },
) {
  return db
    .insertInto('login_throttle')
    .values({ key: row.key, failures: 1, last_failure_at: row.nowIso, blocked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('login_throttle.last_failure_at', '<', row.forgetBefore)
          .then(1)
          .else(eb('login_throttle.failures', '+', 1))
          .end(),
        last_failure_at: row.nowIso,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
}

export async function setThrottleBlockedUntil(db: Kysely<Database>, key: string, until: string) {
  await db.updateTable('login_throttle').set({ blocked_until: until }).where('key', '=', key).execute();
}

export async function deleteThrottle(db: Kysely<Database>, key: string) {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Ends sessions at once: every session of a disabled account, or one session past its lifetime. */
export async function deleteSessions(db: Kysely<Database>, by: { userId: string } | { token: string }) {
  await db
    .deleteFrom('session')
    .where('userId' in by ? 'userId' : 'token', '=', 'userId' in by ? by.userId : by.token)
    .execute();
}
