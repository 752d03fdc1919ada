import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Yearly targets of the indicators page (issue 11): one row per change, never updated, so the
 * history of who set which target when stays; the latest row of a year is its target.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const table = db.schema.createTable('indicator_target');
  await (isPg(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('parcours_participants', 'integer', (c) => c.notNull())
    .addColumn('project_holders', 'integer', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('set_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('indicator_target_year_idx')
    .on('indicator_target')
    .columns(['year', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('indicator_target').execute();
}
