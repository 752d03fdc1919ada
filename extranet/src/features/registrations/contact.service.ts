import { now } from '@maillage/platform/clock';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { writePersonChange } from '../persons/persons.corrections.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import { contactDifferences, type PersonField } from './contact.rules.ts';
import { NotFoundError } from './errors.ts';
import { canSeeTerritory } from './scope.ts';

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

export { contactDifferences, identityDiffers } from './contact.rules.ts';

const PERSON_SELECT = [
  'person.id',
  'person.first_name',
  'person.last_name',
  'person.phone',
  'person.email',
  'person.commune_insee',
  'person.commune_name',
  'person.territory',
  'person.situation_rsa',
  'person.situation_job_seeker',
] as const;

async function loadRequest(trx: Db, kind: DbKind, registrationId: number, viewer: Viewer) {
  let q = trx
    .selectFrom('registration')
    .select([
      'id',
      'person_id',
      'territory',
      'created_at',
      'preferred_contact',
      'contact_first_name',
      'contact_last_name',
      'contact_phone',
      'contact_email',
      'contact_commune_insee',
      'contact_commune_name',
      'contact_situation_rsa',
      'contact_situation_job_seeker',
    ])
    .where('id', '=', registrationId);
  if (kind === 'postgres') q = q.forUpdate();
  const reg = await q.executeTakeFirst();
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
  const reg = await db
    .selectFrom('registration')
    .select([
      'person_id',
      'territory',
      'contact_first_name',
      'contact_last_name',
      'contact_phone',
      'contact_email',
    ])
    .where('id', '=', registrationId)
    .executeTakeFirst();
  if (!reg || !canSeeTerritory(viewer, reg.territory) || reg.contact_first_name === null) return [];
  const { contact_phone: phone, contact_email: email, contact_first_name: first } = reg;
  const last = reg.contact_last_name;
  let q = db
    .selectFrom('person')
    .select([...PERSON_SELECT])
    .where('person.id', '!=', reg.person_id)
    .where((eb) =>
      eb.or([
        ...(phone ? [eb('person.phone', '=', phone)] : []),
        ...(email ? [eb('person.email', '=', email)] : []),
        ...(last
          ? [
              eb.and([
                eb(sql`lower(person.first_name)`, '=', first.toLocaleLowerCase('fr')),
                eb(sql`lower(person.last_name)`, '=', last.toLocaleLowerCase('fr')),
              ]),
            ]
          : []),
      ]),
    );
  if (viewer.role !== 'admin') {
    if (!viewer.territories.length) return [];
    q = q.where((eb) =>
      eb.or([
        eb('person.territory', 'in', viewer.territories),
        eb.exists(
          eb
            .selectFrom('registration as other')
            .select(sql`1`.as('one'))
            .whereRef('other.person_id', '=', 'person.id')
            .where('other.territory', 'in', viewer.territories),
        ),
      ]),
    );
  }
  return q.orderBy('person.id').limit(10).execute();
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
    let pq = trx
      .selectFrom('person')
      .select([...PERSON_SELECT])
      .where('id', '=', reg.person_id);
    if (kind === 'postgres') pq = pq.forUpdate();
    const person = await pq.executeTakeFirstOrThrow();
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
      const current = await trx
        .selectFrom('person')
        .select([...PERSON_SELECT])
        .where('id', '=', reg.person_id)
        .executeTakeFirstOrThrow();
      const given = reg.contact_first_name !== null;
      const row = await trx
        .insertInto('person')
        .values({
          first_name: given ? (reg.contact_first_name as string) : current.first_name,
          last_name: given ? reg.contact_last_name : current.last_name,
          phone: reg.contact_phone ?? current.phone,
          email: given ? reg.contact_email : current.email,
          commune_insee: given ? reg.contact_commune_insee : current.commune_insee,
          commune_name: given ? reg.contact_commune_name : current.commune_name,
          territory: territoryOfCommune(reg.contact_commune_insee) ?? reg.territory,
          situation_rsa: reg.contact_situation_rsa ?? 'ne-se-prononce-pas',
          situation_job_seeker: reg.contact_situation_job_seeker ?? 'ne-se-prononce-pas',
          preferred_contact: reg.preferred_contact,
          // Consent was given with the request.
          consent_at: reg.created_at,
          last_contact_at: at,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      personId = row.id;
    } else {
      const target = input.target;
      const allowed = await attachCandidates(trx, input.viewer, reg.id);
      if (!allowed.some((p) => p.id === target)) throw new UnknownPersonError();
      personId = target;
    }
    await trx
      .updateTable('registration')
      .set({ person_id: personId, updated_at: at })
      .where('id', '=', reg.id)
      .execute();
    // The record left behind, when this request was all it had: no personal data kept for nothing.
    const removed = await trx
      .deleteFrom('person')
      .where('id', '=', reg.person_id)
      .where(({ and, not, exists, selectFrom }) =>
        and(
          (['registration', 'note', 'support'] as const).map((table) =>
            not(
              exists(
                selectFrom(table).select(sql`1`.as('one')).whereRef(`${table}.person_id`, '=', 'person.id'),
              ),
            ),
          ),
        ),
      )
      .executeTakeFirst();
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'registration.attach',
      entityType: 'registration',
      entityId: reg.id,
      personId,
      details: {
        before: { personId: reg.person_id },
        after: { personId, newPerson: created },
        previousPersonDeleted: Number(removed.numDeletedRows) > 0,
      },
    });
    return { personId, created };
  });
}

/** The receipts of a request that were held back by the daily cap, with the reason. */
export async function heldMessages(db: Db, registrationId: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'kind', 'last_error', 'created_at'])
    .where('registration_id', '=', registrationId)
    .where('status', '=', 'held')
    .orderBy('id')
    .execute();
}
