import type { Kysely } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

/**
 * Signatures of the CMS webhooks already accepted, kept for as long as they would verify (the
 * 5-minute window): a captured webhook replayed within it is refused. In the database so that every
 * extranet instance behind the load balancer sees the same list.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_seen')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_seen_expires_idx').on('webhook_seen').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_seen').execute();
}
