import type { Kysely, Transaction } from 'kysely';
import type { RegistrationRequest } from '../../contract/index.ts';
import { type DbKind, isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.ts';
import { countAccepted, isRegistrationOpen } from '../events/events.repository.ts';
import { queueReceipt } from '../notifications/notify.ts';
import { notifySettings } from '../notifications/settings.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import { EventClosedError, EventFullError, UnknownEventError } from './errors.ts';

export interface IntakeResult {
  reference: string;
  status: 'received' | 'waitlisted';
  created: boolean;
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
 * Stores a registration request from the site. Idempotent on `idempotencyKey`: a repeated key,
 * even concurrent, gets the first answer and creates nothing. The receipt and the advisors'
 * notifications are queued in the same transaction.
 */
export async function submitRegistration(
  db: Kysely<Database>,
  kind: DbKind,
  request: RegistrationRequest,
  /** enteredBy: the advisor who records the request in the extranet (source 'advisor') */
  options: { extranetUrl: string; now?: Date; enteredBy?: string },
): Promise<IntakeResult> {
  const already = await existing(db, request.idempotencyKey);
  if (already) return already;
  const now = options.now ?? new Date();
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

      const personValues = {
        first_name: request.firstName,
        last_name: request.lastName ?? null,
        email: request.email ?? null,
        commune_insee: request.communeInsee ?? null,
        commune_name: request.communeName ?? null,
        territory: territoryOfCommune(request.communeInsee) ?? territory,
        situation_rsa: request.situation.rsa,
        situation_job_seeker: request.situation.jobSeeker,
        preferred_contact: request.preferredContact,
        consent_at: nowIso,
        last_contact_at: nowIso,
        updated_at: nowIso,
      };
      const person = await trx
        .insertInto('person')
        .values({ ...personValues, phone: request.phone, created_at: nowIso })
        .onConflict((oc) =>
          oc.column('phone').doUpdateSet((eb) => ({
            ...personValues,
            // Keep what we knew when the new request leaves it out.
            last_name: eb.fn.coalesce(eb.val(personValues.last_name), eb.ref('person.last_name')),
            email: eb.fn.coalesce(eb.val(personValues.email), eb.ref('person.email')),
            commune_insee: eb.fn.coalesce(eb.val(personValues.commune_insee), eb.ref('person.commune_insee')),
            commune_name: eb.fn.coalesce(eb.val(personValues.commune_name), eb.ref('person.commune_name')),
            territory: eb.fn.coalesce(eb.val(personValues.territory), eb.ref('person.territory')),
          })),
        )
        .returning('id')
        .executeTakeFirstOrThrow();

      const year = now.getUTCFullYear();
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
          needs_transport: request.needs.transport ? 1 : 0,
          needs_childcare: request.needs.childcare ? 1 : 0,
          needs_accessibility: request.needs.accessibility ? 1 : 0,
          needs_details: request.needs.details ?? null,
          project_idea: request.kind === 'support' ? request.projectIdea : null,
          message: request.message ?? null,
          preferred_contact: request.preferredContact,
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
        details: { status, kind: request.kind, source: source.type },
      });

      // Receipt, professional's receipt, advisors' note: queued in this transaction.
      await queueReceipt(trx, kind, registration.id, notifySettings());
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
