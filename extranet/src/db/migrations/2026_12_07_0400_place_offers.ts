import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * The waiting list's offers (issue 18 part 3):
 * - place_offer: a freed place offered to a waitlisted person, with its short link's hash, until it
 *   is accepted, declined, expired or taken by someone else first (one of the four dates, at most);
 *   a person whose offer was taken may be offered a later place (a new row), the others not;
 * - waitlist_setting: the offers' delay, how many may be in flight per session and the no-show rule,
 *   set by an admin, with their history (the latest row wins; none yet means the defaults).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPg(db);
  const offer = db.schema.createTable('place_offer');
  await (pg
    ? offer.addColumn('id', 'serial', (c) => c.primaryKey())
    : offer.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('registration_id', 'integer', (c) =>
      c.notNull().references('registration.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('offered_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('declined_at', 'text')
    .addColumn('expired_at', 'text')
    .addColumn('taken_at', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('link_code_hash', 'text', (c) => c.notNull().unique())
    .execute();
  // Offers in flight per session; the offers made to a registration.
  await db.schema
    .createIndex('place_offer_event_idx')
    .on('place_offer')
    .columns(['event_id', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('place_offer_registration_idx')
    .on('place_offer')
    .column('registration_id')
    .execute();
  const setting = db.schema.createTable('waitlist_setting');
  await (pg
    ? setting.addColumn('id', 'serial', (c) => c.primaryKey())
    : setting.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('offer_hours', 'integer', (c) => c.notNull())
    .addColumn('max_offers', 'integer', (c) => c.notNull())
    .addColumn('no_show_rule', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('waitlist_setting').execute();
  await db.schema.dropTable('place_offer').execute();
}
