import type { Kysely } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

/**
 * The inbox's page query (newest or oldest first, scoped to territories, counted over the window)
 * reads every matching registration: with (created_at, id, territory) it walks one index in order,
 * without visiting the table (PostgreSQL: index-only scan; SQLite: covering index), and needs no
 * extra sort on the id tie-break. It replaces the index on created_at alone (a prefix of it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('registration_created_id_territory_idx')
    .on('registration')
    .columns(['created_at', 'id', 'territory'])
    .execute();
  await db.schema.dropIndex('registration_created_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('registration_created_idx').on('registration').column('created_at').execute();
  await db.schema.dropIndex('registration_created_id_territory_idx').execute();
}
