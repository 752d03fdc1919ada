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
 * Individual appointments (issue 18, part 2):
 * - `appointment`: one person, one advisor, a time (UTC ISO), a place, a status recorded after the
 *   time. `sequence` counts the changes a calendar must see (RFC 5545 SEQUENCE).
 *   Indexes: the agenda reads (advisor_id, starts_at); the reminders job reads (status, starts_at).
 * - `note.appointment_id`: the report of an appointment is a note attached to it.
 * - `calendar_feed`: an advisor's private calendar feed; only the SHA-256 of its token is kept.
 * - `appointment_message`: one row per message owed to the person (confirmation, change, reminder…),
 *   unique by its dedupe key: inserting it is the claim, so two instances never send it twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, 'appointment')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('support_id', 'integer', (c) => c.references('support.id').onDelete('set null'))
    .addColumn('advisor_id', 'text', (c) => c.notNull())
    .addColumn('territory', 'text')
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('duration_min', 'integer', (c) => c.notNull())
    .addColumn('place_kind', 'text', (c) => c.notNull())
    .addColumn('place_detail', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('prevu'))
    .addColumn('status_at', 'text')
    .addColumn('status_by', 'text')
    .addColumn('cancelled_by_person', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('appointment_agenda_idx')
    .on('appointment')
    .columns(['advisor_id', 'starts_at'])
    .execute();
  await db.schema
    .createIndex('appointment_due_idx')
    .on('appointment')
    .columns(['status', 'starts_at'])
    .execute();
  await db.schema.createIndex('appointment_person_idx').on('appointment').column('person_id').execute();

  await db.schema
    .alterTable('note')
    .addColumn('appointment_id', 'integer', (c) => c.references('appointment.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('note_appointment_idx').on('note').column('appointment_id').execute();

  await withId(db, 'calendar_feed')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('calendar_feed_user_idx').on('calendar_feed').column('user_id').execute();

  await withId(db, 'appointment_message')
    .addColumn('appointment_id', 'integer', (c) =>
      c.notNull().references('appointment.id').onDelete('cascade'),
    )
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    /** queued (outbox / SMS queue), manual (waits for a person to call or text), none (no way to reach) */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('appointment_message_appointment_idx')
    .on('appointment_message')
    .column('appointment_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('appointment_message').execute();
  await db.schema.dropTable('calendar_feed').execute();
  await db.schema.dropIndex('note_appointment_idx').execute();
  await db.schema.alterTable('note').dropColumn('appointment_id').execute();
  await db.schema.dropTable('appointment').execute();
}
