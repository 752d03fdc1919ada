import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export interface AccountRef {
  id: string;
  email: string;
  name: string;
}

/** One account by its id, or undefined. */
export async function findAccount(db: Kysely<Database>, id: string): Promise<AccountRef | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
}

/** Every account's id and name, in name order (the caseload's "whose portfolio" list). */
export async function listAccountNames(db: Kysely<Database>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('users').select(['id', 'name']).orderBy('name').execute();
}
