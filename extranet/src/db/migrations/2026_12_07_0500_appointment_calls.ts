import type { Kysely } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.

/**
 * People who prefer a call get their appointment's news by phone: the reminder two days before, a
 * change, a cancellation wait in « À appeler » until an advisor records the call (when, by whom).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('appointment_message').addColumn('called_at', 'text').execute();
  await db.schema.alterTable('appointment_message').addColumn('called_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('appointment_message').dropColumn('called_by').execute();
  await db.schema.alterTable('appointment_message').dropColumn('called_at').execute();
}
