import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

const id =
  (db: Kysely<any>) =>
  <T extends CreateTableBuilder<any, any>>(table: T): T =>
    (isPg(db)
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

/**
 * Follow-up of people (issue 10, people half):
 * - support: how it ended (activity created: name, jobs; or a reason), the request it came from
 *   (unique: "start from an accepted request" is one click, and twice is still one support);
 * - support_phase: the dated history of phases (support.phase only mirrors the latest row);
 * - note: an action can be marked done, a note can be edited; note_revision keeps every earlier
 *   version;
 * - registration.entered_by: the advisor who recorded a request met by phone or at a walk-in
 *   (source_type 'advisor');
 * - indexes for the person list, the timeline, the caseload and the open actions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('registration').addColumn('entered_by', 'text').execute();
  await db.schema.alterTable('support').addColumn('registration_id', 'integer').execute();
  await db.schema.alterTable('support').addColumn('activity_name', 'text').execute();
  await db.schema.alterTable('support').addColumn('jobs_created', 'integer').execute();
  await db.schema.alterTable('support').addColumn('end_reason', 'text').execute();
  await db.schema.alterTable('support').addColumn('updated_at', 'text').execute();
  await db.schema
    .createIndex('support_registration_unique')
    .on('support')
    .column('registration_id')
    .unique()
    .execute();
  await db.schema.createIndex('support_person_idx').on('support').column('person_id').execute();
  await db.schema
    .createIndex('support_advisor_idx')
    .on('support')
    .columns(['advisor_id', 'ended_at'])
    .execute();

  await db.schema
    .createTable('support_phase')
    .$call(id(db))
    .addColumn('support_id', 'integer', (c) => c.notNull().references('support.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('started_on', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('support_phase_support_idx')
    .on('support_phase')
    .columns(['support_id', 'id'])
    .execute();

  await db.schema.alterTable('note').addColumn('done_at', 'text').execute();
  await db.schema.alterTable('note').addColumn('done_by', 'text').execute();
  await db.schema.alterTable('note').addColumn('updated_at', 'text').execute();
  await db.schema.createIndex('note_person_idx').on('note').columns(['person_id', 'occurred_at']).execute();
  await db.schema.createIndex('note_support_idx').on('note').columns(['support_id', 'occurred_at']).execute();
  // "Mes prochaines actions" walks the open actions in due order and stops at the page size.
  await db.schema
    .createIndex('note_open_action_idx')
    .on('note')
    .columns(['due_at', 'id'])
    .where(sql<boolean>`next_action is not null and done_at is null`)
    .execute();

  await db.schema
    .createTable('note_revision')
    .$call(id(db))
    .addColumn('note_id', 'integer', (c) => c.notNull().references('note.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('next_action', 'text')
    .addColumn('due_at', 'text')
    .addColumn('edited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('edited_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('note_revision_note_idx').on('note_revision').column('note_id').execute();

  await db.schema.createIndex('person_commune_idx').on('person').column('commune_insee').execute();
  await db.schema
    .createIndex('person_territory_name_idx')
    .on('person')
    .columns(['territory', 'last_name'])
    .execute();
  await db.schema.createIndex('audit_log_person_idx').on('audit_log').columns(['person_id', 'id']).execute();
  await db.schema
    .createIndex('attendance_registration_idx')
    .on('attendance')
    .column('registration_id')
    .execute();
  await db.schema.createIndex('outbox_registration_idx').on('outbox').column('registration_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_registration_idx').execute();
  await db.schema.dropIndex('attendance_registration_idx').execute();
  await db.schema.dropIndex('audit_log_person_idx').execute();
  await db.schema.dropIndex('person_territory_name_idx').execute();
  await db.schema.dropIndex('person_commune_idx').execute();
  await db.schema.dropTable('note_revision').execute();
  await db.schema.dropIndex('note_open_action_idx').execute();
  await db.schema.dropIndex('note_support_idx').execute();
  await db.schema.dropIndex('note_person_idx').execute();
  for (const column of ['updated_at', 'done_by', 'done_at'])
    await db.schema.alterTable('note').dropColumn(column).execute();
  await db.schema.dropTable('support_phase').execute();
  await db.schema.dropIndex('support_advisor_idx').execute();
  await db.schema.dropIndex('support_person_idx').execute();
  await db.schema.dropIndex('support_registration_unique').execute();
  for (const column of ['updated_at', 'end_reason', 'jobs_created', 'activity_name', 'registration_id'])
    await db.schema.alterTable('support').dropColumn(column).execute();
  await db.schema.alterTable('registration').dropColumn('entered_by').execute();
}
