import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import type { PersonEdit } from './persons.rules.ts';
import { PersonNotFoundError, personScope } from './persons.scope.ts';

export class PhoneTakenError extends Error {}

/**
 * Writes the changed fields of a person's record (`after`, their old values in `before`), and the
 * audit log keeps each of them before and after (so the change can be traced and undone: the
 * journal is for admins only). With `communeInsee`, a commune of one of our territories places the
 * person there; otherwise the territory stays. Returns the fields written (none: nothing written).
 */
export async function writePersonChange(
  trx: Transaction<Database>,
  by: { viewer: Viewer; action: string; entity: { type: string; id: number } },
  change: {
    person: { id: number; territory: string | null };
    before: Record<string, unknown>;
    after: Record<string, unknown>;
    communeInsee?: string | null | undefined;
  },
): Promise<string[]> {
  const { person, before, after } = change;
  if (change.communeInsee !== undefined) {
    const territory = territoryOfCommune(change.communeInsee) ?? person.territory;
    if (territory !== person.territory) {
      before.territory = person.territory;
      after.territory = territory;
    }
  }
  const changed = Object.keys(after);
  if (!changed.length) return changed;
  await trx
    .updateTable('person')
    .set({ ...after, updated_at: now().toISOString() })
    .where('id', '=', person.id)
    .execute();
  await audit(trx, {
    actorId: by.viewer.id,
    action: by.action,
    entityType: by.entity.type,
    entityId: by.entity.id,
    personId: person.id,
    details: { before, after },
  });
  return changed;
}

const FIELDS: [keyof PersonEdit, keyof Database['person']][] = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['communeName', 'commune_name'],
  ['communeInsee', 'commune_insee'],
  ['situationRsa', 'situation_rsa'],
  ['situationJobSeeker', 'situation_job_seeker'],
  ['preferredContact', 'preferred_contact'],
];

/**
 * Corrects a person's identity and contact details. Only the fields that changed are written, and
 * the audit log keeps each of them before and after. Returns the changed fields.
 */
export async function updatePerson(
  db: Kysely<Database>,
  input: { viewer: Viewer; personId: number; values: PersonEdit },
): Promise<string[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      const person = await trx
        .selectFrom('person')
        .selectAll()
        .where('id', '=', input.personId)
        .where(personScope(input.viewer))
        .executeTakeFirst();
      if (!person) throw new PersonNotFoundError();
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const [field, column] of FIELDS) {
        const value = input.values[field] ?? null;
        if (value !== person[column]) {
          before[column] = person[column];
          after[column] = value;
        }
      }
      const by = { viewer: input.viewer, action: 'person.update', entity: { type: 'person', id: person.id } };
      return writePersonChange(trx, by, { person, before, after, communeInsee: input.values.communeInsee });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PhoneTakenError();
    throw error;
  }
}
