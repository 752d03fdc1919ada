import type { Kysely } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.

/**
 * Reads' audit rows arrive in batches from a journal file (features/audit/audit-journal.ts); the
 * key of each line makes a batch inserted twice (a crash between insert and clean-up) count once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('journal_key', 'text').execute();
  await db.schema
    .createIndex('audit_log_journal_key')
    .unique()
    .on('audit_log')
    .column('journal_key')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_journal_key').execute();
  await db.schema.alterTable('audit_log').dropColumn('journal_key').execute();
}
