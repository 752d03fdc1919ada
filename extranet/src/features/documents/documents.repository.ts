import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, DocumentTable } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = [
  'document.id',
  'document.person_id',
  'document.support_id',
  'document.kind',
  'document.format',
  'document.original_name',
  'document.size',
  'document.storage_key',
  'document.confidential',
  'document.uploaded_by',
  'document.created_at',
] as const;

/** The person's id when the viewer may see them (territory) and they are not erased. */
export async function findVisiblePerson(db: Db, viewer: Viewer, personId: number) {
  return db
    .selectFrom('person')
    .select('id')
    .where('id', '=', personId)
    .where('erased_at', 'is', null)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** The support's id and person when the viewer may see its person (territory) and they are not erased. */
export async function findVisibleSupport(db: Db, viewer: Viewer, supportId: number) {
  return db
    .selectFrom('support')
    .innerJoin('person', 'person.id', 'support.person_id')
    .select(['support.id', 'support.person_id'])
    .where('support.id', '=', supportId)
    .where('person.erased_at', 'is', null)
    .where(personScope(viewer))
    .executeTakeFirst();
}

export async function insertDocument(db: Db, values: Insertable<DocumentTable>): Promise<number> {
  const row = await db.insertInto('document').values(values).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A document whose person the viewer may see (territory), with its uploader's name; else undefined. */
export async function findDocumentInScope(db: Db, viewer: Viewer, id: number) {
  return db
    .selectFrom('document')
    .innerJoin('person', 'person.id', 'document.person_id')
    .select(COLUMNS)
    .where('document.id', '=', id)
    .where('person.erased_at', 'is', null)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** A person's documents (or one support's), newest first, with who added them. */
export async function selectDocuments(db: Db, where: { personId: number } | { supportId: number }) {
  let q = db
    .selectFrom('document')
    .leftJoin('users', 'users.id', 'document.uploaded_by')
    .select([...COLUMNS, 'users.name as uploaded_by_name']);
  q =
    'personId' in where
      ? q.where('document.person_id', '=', where.personId)
      : q.where('document.support_id', '=', where.supportId);
  return q.orderBy('document.created_at', 'desc').orderBy('document.id', 'desc').execute();
}

/** The advisors in charge of the person's open supports: their referents. */
export async function selectReferents(db: Db, personId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('support')
    .select('advisor_id')
    .where('person_id', '=', personId)
    .where('ended_at', 'is', null)
    .where('advisor_id', 'is not', null)
    .execute();
  return rows.map((r) => r.advisor_id as string);
}

export async function deleteDocumentRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('document').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes every document row of a person; returns their storage keys (the files go after the commit). */
export async function deleteDocumentsOf(db: Db, personId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('document')
    .select('storage_key')
    .where('person_id', '=', personId)
    .execute();
  if (rows.length) await db.deleteFrom('document').where('person_id', '=', personId).execute();
  return rows.map((r) => r.storage_key);
}

/** A merge: the duplicate's documents move to the record kept. */
export async function moveDocuments(db: Db, fromId: number, toId: number): Promise<number> {
  const result = await db
    .updateTable('document')
    .set({ person_id: toId })
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * A person's documents for the right-of-access export: what is held (type, format, name, size,
 * dates, who added it) and where an admin downloads each; never the storage key.
 */
export async function selectDocumentsForExport(db: Db, personId: number) {
  const rows = await db
    .selectFrom('document')
    .select([
      'id',
      'support_id',
      'kind',
      'format',
      'original_name',
      'size',
      'confidential',
      'uploaded_by',
      'created_at',
    ])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, download_path: `/documents/${r.id}` }));
}
