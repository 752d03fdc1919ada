import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface AccountRef {
  id: string;
  email: string;
  name: string;
}

/** A boolean column as each backend stores it (SQLite has no boolean type). */
const flag = (kind: DbKind, v: boolean) => (kind === 'postgres' ? v : v ? 1 : 0);

/** One account by its id, or undefined. */
export async function findAccount(db: Db, id: string): Promise<AccountRef | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
}

/** An account's address and name; throws when there is none. */
export async function getAccountContact(db: Db, id: string): Promise<{ email: string; name: string }> {
  return db.selectFrom('users').select(['email', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** The id of the account with this (lower-case) address, or undefined. */
export async function findAccountIdByEmail(db: Db, email: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
}

/** Every account's id and name, in name order (the caseload's "whose portfolio" list). */
export async function listAccountNames(db: Kysely<Database>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('users').select(['id', 'name']).orderBy('name').execute();
}

/** Every account, in name order, as the admin's list shows it. */
export async function selectAccounts(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'disabled', 'twoFactorEnabled', 'createdAt'])
    .orderBy('name')
    .execute();
}

/** Every account ↔ territory link. */
export async function selectTerritoryLinks(db: Db) {
  return db.selectFrom('user_territory').selectAll().execute();
}

/** The ids of the accounts that have chosen a password. */
export async function selectAccountIdsWithPassword(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('account')
    .select('userId')
    .where('providerId', '=', 'credential')
    .execute();
  return rows.map((a) => a.userId);
}

/** An account's territories; in slug order when `ordered`. */
export async function selectUserTerritories(db: Db, userId: string, ordered = false): Promise<string[]> {
  let q = db.selectFrom('user_territory').select('territory').where('user_id', '=', userId);
  if (ordered) q = q.orderBy('territory');
  return (await q.execute()).map((r) => r.territory);
}

/** Replaces an account's territories. */
export async function replaceUserTerritories(db: Db, userId: string, territories: string[]): Promise<void> {
  await db.deleteFrom('user_territory').where('user_id', '=', userId).execute();
  if (territories.length) {
    await db
      .insertInto('user_territory')
      .values(territories.map((t) => ({ user_id: userId, territory: t })))
      .execute();
  }
}

/** A new account and its territories (no password yet). */
export async function insertUser(
  db: Db,
  kind: DbKind,
  user: { id: string; email: string; name: string; role: 'admin' | 'advisor'; territories: string[] },
): Promise<void> {
  const now = kind === 'postgres' ? new Date() : new Date().toISOString();
  await db
    .insertInto('users')
    .values({
      id: user.id,
      name: user.name,
      email: user.email,
      emailVerified: flag(kind, true),
      image: null,
      createdAt: now,
      updatedAt: now,
      twoFactorEnabled: flag(kind, false),
      role: user.role,
      disabled: flag(kind, false),
    })
    .execute();
  if (user.territories.length) {
    await db
      .insertInto('user_territory')
      .values(user.territories.map((t) => ({ user_id: user.id, territory: t })))
      .execute();
  }
}

/** The password (already hashed) of an account, as better-auth stores it. */
export async function insertCredential(
  db: Db,
  kind: DbKind,
  credential: { id: string; userId: string; hash: string },
): Promise<void> {
  const now = kind === 'postgres' ? new Date() : new Date().toISOString();
  await db
    .insertInto('account')
    .values({
      id: credential.id,
      accountId: credential.userId,
      providerId: 'credential',
      userId: credential.userId,
      password: credential.hash,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
}

export async function updateDisabled(db: Db, kind: DbKind, userId: string, disabled: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ disabled: flag(kind, disabled) })
    .where('id', '=', userId)
    .execute();
}

/** Ends every session of an account. */
export async function deleteSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('session').where('userId', '=', userId).execute();
}

/**
 * Who is told of a new request in a territory: its active advisors; outside our territories, or
 * in a territory without an advisor yet, the active coordinators (admins). Addresses only.
 */
export async function advisorRecipients(db: Db, kind: DbKind, territory: string | null): Promise<string[]> {
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
