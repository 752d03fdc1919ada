import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Sessions follow-up (issue 10, items 3, 6 and 7):
 * - `registration.prescriber_keep_informed`: the professional who registered someone asked to be
 *   told, at the end of the Parcours, whether the person came; `prescriber_informed_at` makes that
 *   message go once, whichever instance's job sees it first (a conditional UPDATE claims it).
 * - `parcours_outcome`: what came next for a participant (emploi, formation, création…), one row per
 *   registration, with an optional support it led to.
 * - attendance rows are read per session and per person: (registration_id, …) is already the
 *   unique constraint's prefix; attendance by slot for the roster uses the same index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('registration')
    .addColumn('prescriber_keep_informed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('registration').addColumn('prescriber_informed_at', 'text').execute();

  const table = db.schema.createTable('parcours_outcome');
  await (isPg(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('registration_id', 'integer', (c) =>
      c.notNull().unique().references('registration.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('outcome_date', 'text', (c) => c.notNull())
    .addColumn('support_id', 'integer', (c) => c.references('support.id').onDelete('set null'))
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('parcours_outcome').execute();
  await db.schema.alterTable('registration').dropColumn('prescriber_informed_at').execute();
  await db.schema.alterTable('registration').dropColumn('prescriber_keep_informed').execute();
}
