import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest } from '../src/db/migrate.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

describe.each(BACKENDS)('migrations on %s', (backend) => {
  it('go up, all the way down, and up again', async () => {
    const database = await throwawayDatabase(backend);
    const { db, close } = database.open();
    try {
      await migrateToLatest(db);
      await migrateToLatest(db); // a second start changes nothing
      for (let i = 0; i < Object.keys(migrations).length; i++) await migrateDown(db);
      const tables = (await db.introspection.getTables())
        .map((t) => t.name)
        .filter((n) => !n.startsWith('kysely_'));
      expect(tables).toEqual([]);
      await migrateToLatest(db);
      const row = await sql<{ n: number }>`select count(*) as n from territory`.execute(db);
      expect(Number(row.rows[0]?.n)).toBe(4);
    } finally {
      await close();
      await database.drop();
    }
  });
});
