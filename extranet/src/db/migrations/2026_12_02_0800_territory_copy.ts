import type { Kysely } from 'kysely';

// Migrations are typed Kysely<any> on purpose: they must keep compiling when the Database
// interface moves on.

/**
 * The territory table becomes the extranet's copy of the CMS territories (features/territories):
 * refreshed at start, on the CMS webhook and periodically. The initial migration's four rows stay
 * as the copy until the CMS first answers. A territory the CMS no longer publishes is kept (advisors
 * and past requests still name it) but inactive: no request is routed to it. `position` keeps the
 * order lists and filters show, new territories after the known ones.
 */
const ORDER = ['valenciennois', 'douaisis', 'cambresis', 'pevele-carembault'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('territory')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('territory')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [i, slug] of ORDER.entries())
    await db
      .updateTable('territory')
      .set({ position: i + 1 })
      .where('slug', '=', slug)
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('territory').dropColumn('position').execute();
  await db.schema.alterTable('territory').dropColumn('active').execute();
}
