import type { Kysely } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.

/** The CMS event's practical notes (childcare, transport help), shown in the acceptance email. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('event_copy').addColumn('practical_notes', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('event_copy').dropColumn('practical_notes').execute();
}
