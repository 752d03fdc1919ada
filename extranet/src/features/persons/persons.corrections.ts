import type { Kysely, Transaction } from 'kysely';
import { now } from '../../contract/clock.ts';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.ts';
import type { Viewer } from '../auth/viewer.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import type { PersonEdit } from './persons.rules.ts';
import { PersonNotFoundError, personScope } from './persons.scope.ts';

export class PhoneTakenError extends Error {}

/**
 * Writes the changed fields of a person's record, and the audit log keeps each of them before and
 * after (so the change can be traced and undone: the journal is for admins only).
 */
export async function writePersonChange(
  trx: Transaction<Database>,
  change: {
    actorId: string;
    action: string;
    entity: { type: string; id: number };
    personId: number;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  },
): Promise<void> {
  await trx
    .updateTable('person')
    .set({ ...change.after, updated_at: now().toISOString() })
    .where('id', '=', change.personId)
    .execute();
  await audit(trx, {
    actorId: change.actorId,
    action: change.action,
    entityType: change.entity.type,
    entityId: change.entity.id,
    personId: change.personId,
    details: { before: change.before, after: change.after },
  });
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
      // A commune of one of our territories places the person there; otherwise the territory stays.
      const territory = territoryOfCommune(input.values.communeInsee) ?? person.territory;
      if (territory !== person.territory) {
        before.territory = person.territory;
        after.territory = territory;
      }
      const changed = Object.keys(after);
      if (!changed.length) return [];
      await writePersonChange(trx, {
        actorId: input.viewer.id,
        action: 'person.update',
        entity: { type: 'person', id: person.id },
        personId: person.id,
        before,
        after,
      });
      return changed;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PhoneTakenError();
    throw error;
  }
}
