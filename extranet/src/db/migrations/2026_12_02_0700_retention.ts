import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Retention (issue 12):
 * - person.erased_at: when the person's identity, contact details, needs and notes were erased
 *   (the anonymised row stays for the indicators);
 * - retention_setting: the retention period an admin set, with its history (the latest row wins;
 *   none yet means the default the public personal-data page promises).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('person').addColumn('erased_at', 'text').execute();
  const table = db.schema.createTable('retention_setting');
  await (isPg(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retention_setting').execute();
  await db.schema.alterTable('person').dropColumn('erased_at').execute();
}
