import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { personSms } from '../notifications/delivery.view.ts';
import { setSmsOptOut } from '../sms/sms.repository.ts';
import { territorySlugOfInsee } from '../territories/territories.ts';
import {
  acceptedSupportRequests,
  findPersonInScope,
  recentNoteAuthors,
  searchPersons,
  supportsOfPerson,
  updatePersonRow,
} from './persons.repository.ts';
import { type PersonEdit, type PersonFilters, PersonNotFoundError } from './persons.rules.ts';

/** The persons' services: the list, a person's file (audited), the corrections of a record (audited). */

const PERSON_PAGE_SIZE = 25;

/** The person list: search (name or phone), territory, situation, in support, last contact. */
export async function listPersons(db: Kysely<Database>, viewer: Viewer, f: PersonFilters) {
  const offset = (f.page - 1) * PERSON_PAGE_SIZE;
  const { items, total } = await searchPersons(db, viewer, f, { limit: PERSON_PAGE_SIZE, offset });
  return { items, total, pages: Math.max(1, Math.ceil(total / PERSON_PAGE_SIZE)) };
}

/** A person's file for the viewer, or PersonNotFoundError. Every read is written to the audit log. */
export async function getPersonFile(db: Kysely<Database>, viewer: Viewer, personId: number) {
  const person = await findPersonInScope(db, viewer, personId);
  if (!person) throw new PersonNotFoundError();
  // Independent reads, in parallel (one round trip's wait on PostgreSQL instead of four).
  const [, supports, authors, openRegistrations, sms] = await Promise.all([
    audit(db, {
      actorId: viewer.id,
      action: 'person.read',
      entityType: 'person',
      entityId: person.id,
      personId: person.id,
    }),
    supportsOfPerson(db, person.id),
    // Who follows them: the advisors in charge of an open support, then the recent note authors.
    recentNoteAuthors(db, person.id),
    acceptedSupportRequests(db, person.id),
    personSms(db, person.id),
  ]);
  const followers = new Map<string, { name: string; role: string }>();
  for (const s of supports)
    if (!s.ended_at && s.advisor_id && s.advisor_name)
      followers.set(s.advisor_id, { name: s.advisor_name, role: 'en charge de l’accompagnement' });
  for (const a of authors)
    if (!followers.has(a.id)) followers.set(a.id, { name: a.name, role: 'a écrit des notes' });
  return { person, supports, followers: [...followers.values()], supportRequests: openRegistrations, sms };
}

/**
 * SMS stopped or allowed again, at the person's own request (told to an advisor): never on an
 * advisor's initiative alone (the form asks to confirm the person said so). Audited.
 */
export async function setSmsConsent(
  db: Kysely<Database>,
  input: { viewer: Viewer; personId: number; sms: 'stop' | 'reprendre' },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const person = await findPersonInScope(trx, input.viewer, input.personId);
    if (!person) throw new PersonNotFoundError();
    const changed = await setSmsOptOut(trx, person.id, input.sms === 'stop' ? now().toISOString() : null);
    if (changed)
      await audit(trx, {
        actorId: input.viewer.id,
        action: input.sms === 'stop' ? 'person.sms-opt-out' : 'person.sms-opt-in',
        entityType: 'person',
        entityId: person.id,
        personId: person.id,
        details: { via: 'conseiller' },
      });
    return changed;
  });
}

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
    const territory = territorySlugOfInsee(change.communeInsee) ?? person.territory;
    if (territory !== person.territory) {
      before.territory = person.territory;
      after.territory = territory;
    }
  }
  const changed = Object.keys(after);
  if (!changed.length) return changed;
  await updatePersonRow(trx, person.id, after, now().toISOString());
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
      const person = await findPersonInScope(trx, input.viewer, input.personId);
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
