import type { Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { type Backend, throwawayDatabase } from './server.ts';

/** Runs `body` against a fresh, migrated throwaway database, then closes and drops it. */
export async function withMigratedDatabase(backend: Backend, body: (db: Db) => Promise<void>): Promise<void> {
  const database = await throwawayDatabase(backend);
  const db = database.open();
  try {
    await migrateToLatest(db.db);
    await body(db);
  } finally {
    await db.close();
    await database.drop();
  }
}
