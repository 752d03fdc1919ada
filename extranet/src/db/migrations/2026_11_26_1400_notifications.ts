import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Notifications: one row per thing a person must be told (receipt, decision, reminder). Its unique
 * `dedupe_key` makes the periodic reminder job idempotent across instances, and the rows whose
 * channel is a call or an SMS are the advisors' "à appeler" list. `outbox.from_name` carries the
 * territory team's name as the sender's display name.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPg(db);
  const table = db.schema.createTable('notification');
  await (pg
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('registration_id', 'integer', (c) =>
      c.notNull().references('registration.id').onDelete('cascade'),
    )
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('call_text', 'text')
    .addColumn('call_status', 'text')
    .addColumn('outcome', 'text')
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notification_call_idx')
    .on('notification')
    .columns(['call_status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('notification_registration_idx')
    .on('notification')
    .column('registration_id')
    .execute();
  await db.schema.alterTable('outbox').addColumn('from_name', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('from_name').execute();
  await db.schema.dropTable('notification').execute();
}
