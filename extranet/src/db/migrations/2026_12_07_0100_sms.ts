import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

function withId(db: Kysely<any>, name: string) {
  const table = db.schema.createTable(name);
  return isPg(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/**
 * Reaching people by SMS (issue 18):
 * - `sms_message`: the SMS outbox, one row per message to one number, whatever it is about (a
 *   request, an appointment, a place offered). `manual` rows wait for an advisor in « À appeler »
 *   (no provider, or the provider failed for good); `queued` ones for the worker, not before
 *   `not_before` (no SMS at night nor on Sundays). The provider's delivery report lands in
 *   `delivered_at` / `failed_reason`, authenticated by the per-message secret of its callback URL
 *   (only its hash is kept).
 * - `person_link`: the short unguessable links of messages (« je ne peux pas venir », « j'accepte la
 *   place »): only the SHA-256 of the code is stored, so a database leak gives no working link.
 * - `person.sms_opt_out_at`: the person answered STOP (or asked an advisor): no SMS any more.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, 'sms_message')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'integer', (c) => c.references('person.id').onDelete('cascade'))
    .addColumn('registration_id', 'integer', (c) => c.references('registration.id').onDelete('cascade'))
    .addColumn('appointment_id', 'integer')
    .addColumn('to_phone', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('provider', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('callback_hash', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('handled_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sms_message_due')
    .on('sms_message')
    .columns(['status', 'not_before'])
    .execute();
  await db.schema.createIndex('sms_message_person').on('sms_message').column('person_id').execute();
  await db.schema
    .createIndex('sms_message_registration')
    .on('sms_message')
    .column('registration_id')
    .execute();
  await db.schema.createIndex('sms_message_appointment').on('sms_message').column('appointment_id').execute();
  await db.schema
    .createIndex('sms_message_phone_day')
    .on('sms_message')
    .columns(['to_phone', 'sent_at'])
    .execute();

  await withId(db, 'person_link')
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('person_link_target')
    .on('person_link')
    .columns(['kind', 'target_id'])
    .execute();

  await db.schema.alterTable('person').addColumn('sms_opt_out_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('person').dropColumn('sms_opt_out_at').execute();
  await db.schema.dropTable('person_link').execute();
  await db.schema.dropTable('sms_message').execute();
}
