import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { nameKeys } from '../name-keys.ts';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.

const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * The global search's keys of each person's name (db/name-keys.ts: folded words and their
 * one-letter deletions), kept by the persons repository on every write of a name, so that a name
 * is found with accents, case and one typo aside by indexed equality on SQLite and PostgreSQL.
 * The keys compare byte by byte (collation "C" on PostgreSQL) so that a prefix is a key range.
 * Also an index on the e-mail, which the search looks people up by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('person_search_key')
    .addColumn('key', 'text', (c) => (isPg(db) ? c.notNull().modifyFront(sql`collate "C"`) : c.notNull()))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('person_search_key_pk', ['key', 'person_id'])
    .execute();
  await db.schema
    .createIndex('person_search_key_person')
    .on('person_search_key')
    .column('person_id')
    .execute();
  await db.schema.createIndex('person_email_idx').on('person').column('email').execute();
  // Everyone already there (the erased are not searchable).
  let after = 0;
  for (;;) {
    const people = await db
      .selectFrom('person')
      .select(['id', 'first_name', 'last_name'])
      .where('erased_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (!people.length) break;
    const rows = people.flatMap((p) =>
      nameKeys(p.first_name, p.last_name).map((key) => ({ key, person_id: p.id })),
    );
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insertInto('person_search_key')
        .values(rows.slice(i, i + 1000))
        .execute();
    }
    after = people[people.length - 1]!.id;
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('person_email_idx').execute();
  await db.schema.dropTable('person_search_key').execute();
}
