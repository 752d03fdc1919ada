import type { RegistrationRequest } from '@maillage/contract';
import * as clock from '@maillage/platform/clock';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type DbKind, isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { countAccepted, isRegistrationOpen } from '../events/events.repository.ts';
import { type NotifySettings, queueReceipt } from '../notifications/notify.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import { EventClosedError, EventFullError, UnknownEventError } from './errors.ts';

export interface IntakeResult {
  reference: string;
  status: 'received' | 'waitlisted';
  created: boolean;
}

type AsContact<T> = { [K in keyof T & string as `contact_${K}`]: T[K] };

/** A person's details as a request's own copy of them (its `contact_…` columns). */
function asContact<T extends Record<string, unknown>>(details: T): AsContact<T> {
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [`contact_${k}`, v])) as AsContact<T>;
}

/** Next value of a named counter, atomically (row lock on PostgreSQL, single writer on SQLite). */
export async function nextCounter(trx: Transaction<Database>, name: string): Promise<number> {
  const row = await trx
    .insertInto('counter')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counter.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export function formatReference(year: number, n: number): string {
  return `MAI-${year}-${String(n).padStart(6, '0')}`;
}

async function existing(db: Kysely<Database>, key: string): Promise<IntakeResult | null> {
  const row = await db
    .selectFrom('registration')
    .select(['reference', 'status'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  // The first answer said received or waitlisted; later decisions do not change what we answer.
  return {
    reference: row.reference,
    status: row.status === 'waitlisted' ? 'waitlisted' : 'received',
    created: false,
  };
}

/**
 * The person a request with this phone number belongs to, if any: the one with the same first
 * name, else the oldest. Nothing about them is changed; the request keeps its own details and an
 * advisor confirms or attaches it elsewhere (registrations/contact.service.ts). Two requests with a
 * new number at once must not both create a person: PostgreSQL takes a lock on the number for the
 * transaction; SQLite transactions already run one at a time (BEGIN IMMEDIATE).
 */
async function findPersonByPhone(
  trx: Transaction<Database>,
  kind: DbKind,
  phone: string,
  firstName: string,
): Promise<number | null> {
  if (kind === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(${`person-phone:${phone}`}))`.execute(trx);
  const people = await trx
    .selectFrom('person')
    .select(['id', 'first_name'])
    .where('phone', '=', phone)
    .orderBy('id')
    .execute();
  const same = (a: string) => a.trim().toLocaleLowerCase('fr') === firstName.trim().toLocaleLowerCase('fr');
  return (people.find((p) => same(p.first_name)) ?? people[0])?.id ?? null;
}

/**
 * Stores a registration request from the site. An existing person (same phone) is never changed:
 * the contact details given with the request stay on the request. Idempotent on `idempotencyKey`: a repeated key,
 * even concurrent, gets the first answer and creates nothing. The receipt and the advisors'
 * notifications are queued in the same transaction.
 */
export async function submitRegistration(
  db: Kysely<Database>,
  kind: DbKind,
  request: RegistrationRequest,
  /**
   * notify: the app's notification settings (read once at start, lib/runtime.ts); enteredBy: the
   * advisor who records the request in the extranet (source 'advisor')
   */
  options: { notify: NotifySettings; enteredBy?: string },
): Promise<IntakeResult> {
  const already = await existing(db, request.idempotencyKey);
  if (already) return already;
  const now = clock.now();
  const nowIso = now.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      let status: IntakeResult['status'] = 'received';
      let territory: string | null = territoryOfCommune(request.communeInsee);
      if (request.kind === 'event') {
        // Lock the event row: capacity checks and decisions on this event run one at a time.
        let q = trx.selectFrom('event_copy').selectAll().where('document_id', '=', request.eventId);
        if (kind === 'postgres') q = q.forUpdate();
        const event = await q.executeTakeFirst();
        if (!event || event.removed) throw new UnknownEventError();
        if (!isRegistrationOpen(event, now)) throw new EventClosedError();
        const taken = (await countAccepted(trx, [event.document_id])).get(event.document_id) ?? 0;
        if (taken >= event.capacity) {
          if (!request.acceptWaitlist) throw new EventFullError();
          status = 'waitlisted';
        }
        territory = event.territory ?? territory;
      }

      // The person's details as the request gives them: the new person's record when the phone is
      // unknown, and the request's own contact details (kept on the request, never written over a person).
      const details = {
        first_name: request.firstName,
        last_name: request.lastName ?? null,
        phone: request.phone,
        email: request.email ?? null,
        commune_insee: request.communeInsee ?? null,
        commune_name: request.communeName ?? null,
        situation_rsa: request.situation.rsa,
        situation_job_seeker: request.situation.jobSeeker,
      };
      const contact = asContact(details);
      const found = await findPersonByPhone(trx, kind, request.phone, request.firstName);
      const personId =
        found ??
        (
          await trx
            .insertInto('person')
            .values({
              ...details,
              territory: territoryOfCommune(request.communeInsee) ?? territory,
              preferred_contact: request.preferredContact,
              consent_at: nowIso,
              last_contact_at: nowIso,
              created_at: nowIso,
              updated_at: nowIso,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const person = { id: personId };

      // The reference counts per Paris calendar year (a request at 00:30 on 1 January is the new year's).
      const year = Number(clock.parisDate(now).slice(0, 4));
      const reference = formatReference(year, await nextCounter(trx, `registration-${year}`));
      const source = request.source;
      const prescriber = source.type === 'prescriber' ? source : null;
      const registration = await trx
        .insertInto('registration')
        .values({
          reference,
          person_id: person.id,
          kind: request.kind,
          event_id: request.kind === 'event' ? request.eventId : null,
          territory,
          status,
          source_type: options.enteredBy ? 'advisor' : source.type,
          entered_by: options.enteredBy ?? null,
          prescriber_name: prescriber?.name ?? null,
          prescriber_organisation: prescriber?.organisation ?? null,
          prescriber_phone: prescriber?.phone ?? null,
          prescriber_email: prescriber?.email ?? null,
          prescriber_keep_informed: prescriber?.keepInformed ? 1 : 0,
          needs_transport: request.needs.transport ? 1 : 0,
          needs_childcare: request.needs.childcare ? 1 : 0,
          needs_accessibility: request.needs.accessibility ? 1 : 0,
          needs_details: request.needs.details ?? null,
          project_idea: request.kind === 'support' ? request.projectIdea : null,
          message: request.message ?? null,
          preferred_contact: request.preferredContact,
          ...contact,
          idempotency_key: request.idempotencyKey,
          created_at: nowIso,
          updated_at: nowIso,
        })
        .returning('id')
        .executeTakeFirstOrThrow();

      await audit(trx, {
        actorId: options.enteredBy ?? null,
        action: 'registration.create',
        entityType: 'registration',
        entityId: registration.id,
        personId: person.id,
        // Whether the request went to a known person (whose record it did not change) or a new one.
        details: { status, kind: request.kind, source: source.type, person: found ? 'existing' : 'new' },
      });

      // Receipt, professional's receipt, advisors' note: queued in this transaction.
      await queueReceipt(trx, kind, registration.id, options.notify);
      return { reference, status, created: true };
    });
  } catch (error) {
    // A concurrent request with the same key won the race: answer what it answered.
    if (isUniqueViolation(error)) {
      const winner = await existing(db, request.idempotencyKey);
      if (winner) return winner;
    }
    throw error;
  }
}
