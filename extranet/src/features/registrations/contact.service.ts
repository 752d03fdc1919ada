import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { personContact, personsMatching } from '../persons/matching.repository.ts';
import { deletePersonIfUnreferenced, insertPerson } from '../persons/persons.repository.ts';
import { writePersonChange } from '../persons/persons.service.ts';
import { territorySlugOfInsee } from '../territories/territories.ts';
import { contactDifferences, type PersonField } from './contact.rules.ts';
import { NotFoundError } from './errors.ts';
import { findRequestContact, setPerson } from './registrations.repository.ts';

/**
 * The contact details given with a request stay with that request (design §8): an anonymous
 * request never changes an existing person. Here an advisor who can see the request either
 * confirms them (they become the person's) or attaches the request to another person, or to a
 * new one made from them. Both are written to the audit log with the values before and after.
 */

/** The person changed (or the request moved) since the page was shown. */
export class StaleContactError extends Error {
  constructor() {
    super('stale contact');
  }
}
/** Not a person this request may be attached to (not a candidate the viewer can see). */
export class UnknownPersonError extends Error {
  constructor() {
    super('unknown person');
  }
}
/** Nothing to confirm: the request's details are already the person's. */
export class NothingToConfirmError extends Error {
  constructor() {
    super('nothing to confirm');
  }
}

type Db = Kysely<Database> | Transaction<Database>;

async function loadRequest(trx: Db, kind: DbKind, registrationId: number, viewer: Viewer) {
  const reg = await findRequestContact(trx, registrationId, kind);
  // Another territory's request is answered as a missing one.
  if (!reg || !canSeeTerritory(viewer, reg.territory)) throw new NotFoundError();
  return reg;
}

/**
 * People this request could belong to instead of its current one: same phone, same e-mail or same
 * first and last name as given with the request, whom the viewer may see (admins: everyone;
 * advisors: people with a request in one of their territories, or living in one).
 */
export async function attachCandidates(db: Db, viewer: Viewer, registrationId: number) {
  const reg = await findRequestContact(db, registrationId);
  if (!reg || !canSeeTerritory(viewer, reg.territory) || reg.contact_first_name === null) return [];
  if (viewer.role !== 'admin' && !viewer.territories.length) return [];
  return personsMatching(
    db,
    {
      notPersonId: reg.person_id,
      phone: reg.contact_phone,
      email: reg.contact_email,
      first: reg.contact_first_name,
      last: reg.contact_last_name,
    },
    viewer.role === 'admin' ? null : viewer.territories,
  );
}

/** Applies the request's contact details to its person. Returns the fields changed. */
export async function confirmContact(
  db: Kysely<Database>,
  kind: DbKind,
  input: { registrationId: number; viewer: Viewer; expectedPersonId: number },
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const reg = await loadRequest(trx, kind, input.registrationId, input.viewer);
    if (reg.person_id !== input.expectedPersonId) throw new StaleContactError();
    const person = await personContact(trx, reg.person_id, kind);
    const changes = contactDifferences(person, reg);
    if (!changes.length) throw new NothingToConfirmError();
    const before: Partial<Record<PersonField, string | null>> = {};
    const after: Partial<Record<PersonField, string | null>> = {};
    for (const c of changes) {
      before[c.field] = person[c.field];
      after[c.field] = c.given;
    }
    const communeChanged = after.commune_name !== undefined;
    if (communeChanged) {
      before.commune_insee = person.commune_insee;
      after.commune_insee = reg.contact_commune_insee;
    }
    const by = {
      viewer: input.viewer,
      action: 'person.confirm-contact',
      entity: { type: 'registration', id: reg.id },
    };
    const communeInsee = communeChanged ? reg.contact_commune_insee : undefined;
    return writePersonChange(trx, by, { person, before, after, communeInsee });
  });
}

/**
 * Attaches the request to another person (one of attachCandidates) or to a new person made from
 * the request's details. The person it leaves is deleted when nothing else refers to them (a
 * record created by this very request). Returns the person now attached.
 */
export async function attachRequest(
  db: Kysely<Database>,
  kind: DbKind,
  input: { registrationId: number; viewer: Viewer; expectedPersonId: number; target: number | 'new' },
): Promise<{ personId: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const reg = await loadRequest(trx, kind, input.registrationId, input.viewer);
    if (reg.person_id !== input.expectedPersonId) throw new StaleContactError();
    const at = now().toISOString();
    let personId: number;
    const created = input.target === 'new';
    if (input.target === 'new') {
      const current = await personContact(trx, reg.person_id);
      const given = reg.contact_first_name !== null;
      personId = await insertPerson(trx, {
        first_name: given ? (reg.contact_first_name as string) : current.first_name,
        last_name: given ? reg.contact_last_name : current.last_name,
        phone: reg.contact_phone ?? current.phone,
        email: given ? reg.contact_email : current.email,
        commune_insee: given ? reg.contact_commune_insee : current.commune_insee,
        commune_name: given ? reg.contact_commune_name : current.commune_name,
        territory: territorySlugOfInsee(reg.contact_commune_insee) ?? reg.territory,
        situation_rsa: reg.contact_situation_rsa ?? 'ne-se-prononce-pas',
        situation_job_seeker: reg.contact_situation_job_seeker ?? 'ne-se-prononce-pas',
        preferred_contact: reg.preferred_contact,
        // Consent was given with the request.
        consent_at: reg.created_at,
        last_contact_at: at,
        created_at: at,
        updated_at: at,
      });
    } else {
      const target = input.target;
      const allowed = await attachCandidates(trx, input.viewer, reg.id);
      if (!allowed.some((p) => p.id === target)) throw new UnknownPersonError();
      personId = target;
    }
    await setPerson(trx, reg.id, personId, at);
    // The record left behind, when this request was all it had: no personal data kept for nothing.
    const previousPersonDeleted = await deletePersonIfUnreferenced(trx, reg.person_id);
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'registration.attach',
      entityType: 'registration',
      entityId: reg.id,
      personId,
      details: {
        before: { personId: reg.person_id },
        after: { personId, newPerson: created },
        previousPersonDeleted,
      },
    });
    return { personId, created };
  });
}
