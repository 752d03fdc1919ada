import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database, Person } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { flushAuditJournal } from '../audit/audit-journal.ts';
import type { Viewer } from '../auth/viewer.ts';
import { moveDocuments } from '../documents/documents.repository.ts';
import { deletePerson, findPerson, moveHistory, updatePersonRow } from './persons.repository.ts';
import { PersonNotFoundError } from './persons.rules.ts';

export class MergeNotAllowedError extends Error {}

type MergeableField =
  | 'last_name'
  | 'email'
  | 'commune_insee'
  | 'commune_name'
  | 'territory'
  | 'situation_rsa'
  | 'situation_job_seeker';

/**
 * What the kept person looks like after absorbing `other`: what we knew of the kept person wins;
 * gaps (no e-mail, no commune, unknown situation) are filled from the other record; the last
 * contact is the later one and the consent the earlier one.
 */
export function mergedValues(keep: Person, other: Person): Partial<Person> {
  const out: Partial<Person> = {};
  const fill = (
    field: MergeableField,
    unknown: (v: string | null) => boolean = (v) => v === null || v === '',
  ) => {
    if (unknown(keep[field]) && !unknown(other[field])) out[field] = other[field] as never;
  };
  fill('last_name');
  fill('email');
  fill('commune_insee');
  fill('commune_name');
  fill('territory');
  fill('situation_rsa', (v) => !v || v === 'ne-se-prononce-pas');
  fill('situation_job_seeker', (v) => !v || v === 'ne-se-prononce-pas');
  if (other.last_contact_at > keep.last_contact_at) out.last_contact_at = other.last_contact_at;
  if (other.consent_at < keep.consent_at) out.consent_at = other.consent_at;
  return out;
}

/**
 * An admin merges two records of the same person: every history row of `mergeId` (requests,
 * supports, notes, audit entries) moves to `keepId`, gaps are filled, then the duplicate is
 * removed. One transaction; the audit log keeps what the removed record held.
 */
export async function mergePersons(
  db: Kysely<Database>,
  input: { viewer: Viewer; keepId: number; mergeId: number },
): Promise<{ moved: Record<string, number> }> {
  if (input.viewer.role !== 'admin') throw new MergeNotAllowedError();
  if (input.keepId === input.mergeId) throw new MergeNotAllowedError();
  // Reads of the absorbed person still in this instance's journal move with the rest.
  await flushAuditJournal();
  return db.transaction().execute(async (trx) => {
    const [keep, other] = await Promise.all([input.keepId, input.mergeId].map((id) => findPerson(trx, id)));
    if (!keep || !other) throw new PersonNotFoundError();
    // An erased record stays as it is for the indicators: nothing moves in or out of it.
    if (keep.erased_at || other.erased_at) throw new MergeNotAllowedError();
    const moved: Record<string, number> = {};
    for (const table of ['registration', 'support', 'note', 'audit_log'] as const) {
      moved[table] = await moveHistory(trx, table, other.id, keep.id);
    }
    moved.document = await moveDocuments(trx, other.id, keep.id);
    const values = mergedValues(keep, other);
    await updatePersonRow(trx, keep.id, values, now().toISOString());
    await deletePerson(trx, other.id);
    const { id: _id, ...removed } = other;
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'person.merge',
      entityType: 'person',
      entityId: keep.id,
      personId: keep.id,
      details: { merged: other.id, removed, filled: values, moved },
    });
    return { moved };
  });
}
