import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';

/**
 * Who is told of a new request in a territory: its active advisors; outside our territories, or
 * in a territory without an advisor yet, the active coordinators (admins). Addresses only.
 */
export async function advisorRecipients(
  db: Kysely<Database> | Transaction<Database>,
  kind: DbKind,
  territory: string | null,
): Promise<string[]> {
  const active = () =>
    db
      .selectFrom('users')
      .select('users.email')
      .distinct()
      .where('users.disabled', '=', kind === 'postgres' ? (false as never) : 0);
  let recipients = territory
    ? await active()
        .innerJoin('user_territory', 'user_territory.user_id', 'users.id')
        .where('user_territory.territory', '=', territory)
        .execute()
    : [];
  if (recipients.length === 0) recipients = await active().where('users.role', '=', 'admin').execute();
  return recipients.map((r) => r.email);
}
