import type { Readable } from 'node:stream';
import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { DocumentStore } from './document.store.ts';
import {
  deleteDocumentRow,
  findDocumentInScope,
  findVisiblePerson,
  findVisibleSupport,
  insertDocument,
  selectDocuments,
  selectReferents,
} from './documents.repository.ts';
import {
  type DocumentFormat,
  type DocumentKind,
  DocumentNotFoundError,
  displayName,
  documentFields,
  EMPTY_MESSAGE,
  maySeeDocument,
  sniffFormat,
  WRONG_TYPE_MESSAGE,
} from './documents.rules.ts';
import type { ReceivedUpload } from './upload.ts';

/** Documents: added, listed, served and deleted for a viewer (territory and confidentiality), audited. */

export type DocumentTarget = { personId: number } | { supportId: number };

export interface DocumentItem {
  id: number;
  personId: number;
  supportId: number | null;
  kind: DocumentKind;
  format: DocumentFormat;
  name: string;
  size: number;
  confidential: boolean;
  addedBy: string | null;
  addedAt: string;
}

/** What a refused upload says, by field (French), and the values to show again. */
export class DocumentFieldsError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('document refusé');
  }
}

/** The person (and support) a document would be attached to, when the viewer may see them; else null. */
export async function resolveTarget(
  db: Kysely<Database>,
  viewer: Viewer,
  target: DocumentTarget,
): Promise<{ personId: number; supportId: number | null } | null> {
  if ('supportId' in target) {
    const support = await findVisibleSupport(db, viewer, target.supportId);
    return support ? { personId: support.person_id, supportId: support.id } : null;
  }
  const person = await findVisiblePerson(db, viewer, target.personId);
  return person ? { personId: person.id, supportId: null } : null;
}

/**
 * Records an uploaded file (already in the store) as a document of the target, once its fields
 * and its format (from its content) are checked; otherwise the file is deleted from the store and
 * DocumentFieldsError says why (DocumentNotFoundError: the target is not the viewer's).
 */
export async function addDocument(
  db: Kysely<Database>,
  store: DocumentStore,
  viewer: Viewer,
  target: DocumentTarget,
  upload: ReceivedUpload,
): Promise<{ id: number; personId: number; supportId: number | null }> {
  const file = upload.file;
  try {
    const resolved = await resolveTarget(db, viewer, target);
    if (!resolved) throw new DocumentNotFoundError();
    const errors: Record<string, string> = {};
    const fields = documentFields.safeParse({
      kind: upload.fields.kind || undefined,
      confidential: upload.fields.confidential || undefined,
    });
    if (!fields.success)
      for (const issue of fields.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    const format = file ? sniffFormat(file.head, file.tail, file.size, file.name) : null;
    if (!file) errors.file = EMPTY_MESSAGE;
    else if (!format) errors.file = WRONG_TYPE_MESSAGE;
    if (!fields.success || !file || !format) throw new DocumentFieldsError(errors);
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertDocument(trx, {
        person_id: resolved.personId,
        support_id: resolved.supportId,
        kind: fields.data.kind,
        format,
        original_name: displayName(file.name),
        size: file.size,
        storage_key: file.key,
        confidential: fields.data.confidential ? 1 : 0,
        uploaded_by: viewer.id,
        created_at: now().toISOString(),
      });
      // Ids, type, format and size: never the file's name (it may name the person).
      await audit(trx, {
        actorId: viewer.id,
        action: 'document.add',
        entityType: 'document',
        entityId: id,
        personId: resolved.personId,
        details: {
          supportId: resolved.supportId,
          kind: fields.data.kind,
          format,
          size: file.size,
          confidential: fields.data.confidential,
        },
      });
      return id;
    });
    return { id, ...resolved };
  } catch (error) {
    if (file) await store.delete(file.key);
    throw error;
  }
}

function toItem(row: Awaited<ReturnType<typeof selectDocuments>>[number]): DocumentItem {
  return {
    id: row.id,
    personId: row.person_id,
    supportId: row.support_id,
    kind: row.kind as DocumentKind,
    format: row.format as DocumentFormat,
    name: row.original_name,
    size: row.size,
    confidential: Boolean(row.confidential),
    addedBy: row.uploaded_by_name,
    addedAt: row.created_at,
  };
}

/**
 * The documents of a person (all of them, their supports' included) or of one support, that the
 * viewer may see. The caller has checked the person or support is the viewer's (its page is).
 */
export async function listDocuments(
  db: Kysely<Database>,
  viewer: Viewer,
  where: { personId: number } | { supportId: number; personId: number },
): Promise<DocumentItem[]> {
  const [rows, referents] = await Promise.all([
    selectDocuments(db, 'supportId' in where ? { supportId: where.supportId } : where),
    selectReferents(db, where.personId),
  ]);
  return rows.filter((r) => maySeeDocument(viewer, r, referents)).map(toItem);
}

/**
 * One document the viewer may see (territory, confidentiality), or DocumentNotFoundError. With
 * `audited`, the read of its details (type, name, date: the delete confirmation) is audited.
 */
export async function getDocument(
  db: Kysely<Database>,
  viewer: Viewer,
  id: number,
  options: { audited?: boolean } = {},
) {
  const row = await findDocumentInScope(db, viewer, id);
  if (!row) throw new DocumentNotFoundError();
  if (!maySeeDocument(viewer, row, await selectReferents(db, row.person_id)))
    throw new DocumentNotFoundError();
  if (options.audited)
    await audit(db, {
      actorId: viewer.id,
      action: 'document.read',
      entityType: 'document',
      entityId: row.id,
      personId: row.person_id,
    });
  return row;
}

/** A download: the document's row and bytes, after the access check; the read is audited. */
export async function openDocument(
  db: Kysely<Database>,
  store: DocumentStore,
  viewer: Viewer,
  id: number,
): Promise<{ row: Awaited<ReturnType<typeof getDocument>>; body: Readable }> {
  const row = await getDocument(db, viewer, id);
  const body = await store.get(row.storage_key).catch((error) => {
    throw new DocumentNotFoundError('fichier absent du stockage', { cause: error });
  });
  await audit(db, {
    actorId: viewer.id,
    action: 'document.download',
    entityType: 'document',
    entityId: row.id,
    personId: row.person_id,
    details: { size: row.size },
  });
  return { row, body };
}

/** Deletes a document the viewer may see: its row (audited), then its file. */
export async function removeDocument(
  db: Kysely<Database>,
  store: DocumentStore,
  viewer: Viewer,
  id: number,
): Promise<{ personId: number; supportId: number | null }> {
  const row = await db.transaction().execute(async (trx) => {
    const row = await findDocumentInScope(trx, viewer, id);
    if (!row || !maySeeDocument(viewer, row, await selectReferents(trx, row.person_id)))
      throw new DocumentNotFoundError();
    if (!(await deleteDocumentRow(trx, row.id))) throw new DocumentNotFoundError();
    await audit(trx, {
      actorId: viewer.id,
      action: 'document.delete',
      entityType: 'document',
      entityId: row.id,
      personId: row.person_id,
      details: { supportId: row.support_id, kind: row.kind, size: row.size },
    });
    return row;
  });
  await store.delete(row.storage_key);
  return { personId: row.person_id, supportId: row.support_id };
}
