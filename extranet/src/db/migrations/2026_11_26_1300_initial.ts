import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** An auto-incremented integer primary key, in each database's own words. */
const id =
  (db: Kysely<any>) =>
  <T extends CreateTableBuilder<any, any>>(table: T): T =>
    (isPg(db)
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())) as T;

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPg(db);
  const date = pg ? 'timestamptz' : 'date';
  const bool = pg ? 'boolean' : 'integer';
  const now = pg ? sql`CURRENT_TIMESTAMP` : undefined;

  // --- better-auth (columns as its Kysely adapter expects) -------------------------------------
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('emailVerified', bool, (c) => c.notNull())
    .addColumn('image', 'text')
    .addColumn('createdAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .addColumn('updatedAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .addColumn('twoFactorEnabled', bool)
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('advisor'))
    .addColumn('disabled', bool, (c) => c.notNull().defaultTo(pg ? sql`false` : 0))
    .execute();
  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('expiresAt', date, (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('createdAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .addColumn('updatedAt', date, (c) => c.notNull())
    .addColumn('ipAddress', 'text')
    .addColumn('userAgent', 'text')
    .addColumn('userId', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createTable('account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('accountId', 'text', (c) => c.notNull())
    .addColumn('providerId', 'text', (c) => c.notNull())
    .addColumn('userId', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('accessToken', 'text')
    .addColumn('refreshToken', 'text')
    .addColumn('idToken', 'text')
    .addColumn('accessTokenExpiresAt', date)
    .addColumn('refreshTokenExpiresAt', date)
    .addColumn('scope', 'text')
    .addColumn('password', 'text')
    .addColumn('createdAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .addColumn('updatedAt', date, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('verification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expiresAt', date, (c) => c.notNull())
    .addColumn('createdAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .addColumn('updatedAt', date, (c) => (now ? c.notNull().defaultTo(now) : c.notNull()))
    .execute();
  await db.schema
    .createTable('twoFactor')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('backupCodes', 'text', (c) => c.notNull())
    .addColumn('userId', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('verified', bool)
    .addColumn('failedVerificationCount', 'integer')
    .addColumn('lockedUntil', date)
    .execute();
  await db.schema.createIndex('session_userId_idx').on('session').column('userId').execute();
  await db.schema.createIndex('account_userId_idx').on('account').column('userId').execute();
  await db.schema
    .createIndex('verification_identifier_idx')
    .on('verification')
    .column('identifier')
    .execute();
  await db.schema.createIndex('twoFactor_userId_idx').on('twoFactor').column('userId').execute();

  // --- territories and users' territories ----------------------------------------------------
  await db.schema
    .createTable('territory')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('epci_codes', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('territory')
    .values([
      { slug: 'valenciennois', name: 'Valenciennois', epci_codes: '["245901160","200042190"]' },
      { slug: 'douaisis', name: 'Douaisis', epci_codes: '["200044618","245901152"]' },
      { slug: 'cambresis', name: 'Cambrésis', epci_codes: '["200068500","200030633","245901038"]' },
      { slug: 'pevele-carembault', name: 'Pévèle-Carembault', epci_codes: '["200041960"]' },
    ])
    .execute();
  await db.schema
    .createTable('user_territory')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('territory', 'text', (c) => c.notNull().references('territory.slug'))
    .addPrimaryKeyConstraint('user_territory_pk', ['user_id', 'territory'])
    .execute();

  // --- people and their requests -------------------------------------------------------------
  await db.schema
    .createTable('person')
    .$call(id(db))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text')
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('commune_insee', 'text')
    .addColumn('commune_name', 'text')
    .addColumn('territory', 'text')
    .addColumn('situation_rsa', 'text', (c) => c.notNull())
    .addColumn('situation_job_seeker', 'text', (c) => c.notNull())
    .addColumn('preferred_contact', 'text', (c) => c.notNull())
    .addColumn('consent_at', 'text', (c) => c.notNull())
    .addColumn('last_contact_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_last_contact_idx').on('person').column('last_contact_at').execute();

  await db.schema
    .createTable('event_copy')
    .addColumn('document_id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('slug', 'text')
    .addColumn('kind', 'text')
    .addColumn('program_title', 'text')
    .addColumn('program_slug', 'text')
    .addColumn('program_kind', 'text')
    .addColumn('territory', 'text')
    .addColumn('territory_name', 'text')
    .addColumn('slots_json', 'text', (c) => c.notNull())
    .addColumn('first_slot_at', 'text')
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('venue_json', 'text', (c) => c.notNull())
    .addColumn('registration_opens_at', 'text')
    .addColumn('registration_closes_at', 'text')
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refreshed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('registration')
    .$call(id(db))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('territory', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('prescriber_name', 'text')
    .addColumn('prescriber_organisation', 'text')
    .addColumn('prescriber_phone', 'text')
    .addColumn('prescriber_email', 'text')
    .addColumn('needs_transport', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('needs_childcare', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('needs_accessibility', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('needs_details', 'text')
    .addColumn('project_idea', 'text')
    .addColumn('message', 'text')
    .addColumn('preferred_contact', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('registration_event_status_idx')
    .on('registration')
    .columns(['event_id', 'status'])
    .execute();
  await db.schema
    .createIndex('registration_territory_created_idx')
    .on('registration')
    .columns(['territory', 'created_at'])
    .execute();
  await db.schema.createIndex('registration_created_idx').on('registration').column('created_at').execute();
  await db.schema.createIndex('registration_person_idx').on('registration').column('person_id').execute();

  await db.schema
    .createTable('registration_read')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('registration_id', 'integer', (c) =>
      c.notNull().references('registration.id').onDelete('cascade'),
    )
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registration_read_pk', ['user_id', 'registration_id'])
    .execute();

  await db.schema
    .createTable('attendance')
    .$call(id(db))
    .addColumn('registration_id', 'integer', (c) =>
      c.notNull().references('registration.id').onDelete('cascade'),
    )
    .addColumn('slot_date', 'text', (c) => c.notNull())
    .addColumn('slot_start', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('attendance_slot_unique', ['registration_id', 'slot_date', 'slot_start'])
    .execute();

  await db.schema
    .createTable('support')
    .$call(id(db))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('advisor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('legal_form', 'text')
    .addColumn('outcome_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('note')
    .$call(id(db))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('support_id', 'integer', (c) => c.references('support.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('next_action', 'text')
    .addColumn('due_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // --- email outbox, audit log, counters, throttling, app state --------------------------------
  await db.schema
    .createTable('outbox')
    .$call(id(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('attachments_json', 'text')
    .addColumn('registration_id', 'integer', (c) => c.references('registration.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('audit_log')
    .$call(id(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('person_id', 'integer')
    .addColumn('details_json', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_entity_idx')
    .on('audit_log')
    .columns(['entity_type', 'entity_id'])
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await db.schema
    .createTable('counter')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addColumn('blocked_until', 'text')
    .execute();

  await db.schema
    .createTable('app_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'app_state',
    'login_throttle',
    'counter',
    'audit_log',
    'outbox',
    'note',
    'support',
    'attendance',
    'registration_read',
    'registration',
    'event_copy',
    'person',
    'user_territory',
    'territory',
    'twoFactor',
    'verification',
    'account',
    'session',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
