import { type Kysely, sql } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

/**
 * The inbox's cost must follow the page, not the table (issue 12, benchmark):
 * - sorted by name, the page walks people in name order (expression index) and stops after the page;
 * - filtered by status, it walks (status, created_at, id) in order instead of sorting every match;
 * - (territory, created_at) goes: with it SQLite's planner (no statistics) chose to read every
 *   registration of the advisor's territories and sort them, instead of walking
 *   (created_at, id, territory) in order and stopping after the page.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX person_sort_name_idx ON person ((lower(coalesce(last_name, first_name))))`.execute(
    db,
  );
  await db.schema
    .createIndex('registration_status_created_idx')
    .on('registration')
    .columns(['status', 'created_at', 'id', 'territory'])
    .execute();
  await db.schema.dropIndex('registration_territory_created_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('registration_territory_created_idx')
    .on('registration')
    .columns(['territory', 'created_at'])
    .execute();
  await db.schema.dropIndex('registration_status_created_idx').execute();
  await db.schema.dropIndex('person_sort_name_idx').execute();
}
