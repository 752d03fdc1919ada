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

/** A fresh migrated database opened twice, as by two server instances (each its own connections). */
export async function twoInstances(backend: Backend): Promise<{ one: Db; two: Db; close(): Promise<void> }> {
  const database = await throwawayDatabase(backend);
  const one = database.open();
  const two = database.open();
  await migrateToLatest(one.db);
  return {
    one,
    two,
    close: async () => {
      await one.close();
      await two.close();
      await database.drop();
    },
  };
}
