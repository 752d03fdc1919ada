import { type Kysely, PostgresAdapter } from 'kysely';

// Typed Kysely<any> on purpose, like every migration: it must keep compiling as the schema moves on.
const isPg = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Documents attached to a person or to one of their supports (issue 19, §4). The file itself lives
 * in the document store (features/documents/document.store.ts) under `storage_key`, a random id;
 * `original_name` is kept for display only, never used as a path. `person_id` is set for a
 * support's documents too: erasure and the export find every file of a person in one query.
 * No ON DELETE CASCADE: rows go with their files, through the documents service.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const table = db.schema.createTable('document');
  await (isPg(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
    .addColumn('support_id', 'integer', (c) => c.references('support.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('document_person_idx').on('document').column('person_id').execute();
  await db.schema.createIndex('document_support_idx').on('document').column('support_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('document').execute();
}
