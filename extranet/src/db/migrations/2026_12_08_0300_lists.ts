import { type Kysely, sql } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.

/**
 * « Nouveau » on a request until anyone of its territory (or an admin) first opens it: the instant
 * of that first opening, on the request itself (the per-viewer read marks stay for each advisor's
 * own list). A note's time of day when the advisor gives one: null is a note dated by its day only,
 * shown without an hour (existing notes: their noon was invented, so they become date-only).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('registration').addColumn('first_opened_at', 'text').execute();
  await db.schema.alterTable('note').addColumn('occurred_time', 'text').execute();
  // Requests already opened by someone keep their earliest opening, so old requests are not « Nouveau ».
  await sql`update registration set first_opened_at = (
    select min(rr.read_at) from registration_read rr where rr.registration_id = registration.id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('note').dropColumn('occurred_time').execute();
  await db.schema.alterTable('registration').dropColumn('first_opened_at').execute();
}
