import type { Kysely, Transaction } from 'kysely';
import { now, parisDate } from '../../contract/clock.ts';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { PersonNotFoundError, personScope } from '../persons/persons.scope.ts';
import { canSeeTerritory } from '../registrations/scope.ts';
import { eligibleAdvisors, SupportNotFoundError } from './supports.read.ts';
import { checkPhaseChange, type EndSupport, type Phase } from './supports.rules.ts';

// Reads (getSupport, readSupport, listCaseload, eligibleAdvisors) are in supports.read.ts; pages import them here.
export {
  eligibleAdvisors,
  getSupport,
  listCaseload,
  readSupport,
  SupportNotFoundError,
} from './supports.read.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The request is not an accepted support request (or was decided otherwise meanwhile). */
export class NotAcceptedSupportRequestError extends Error {}
export class PhaseChangeError extends Error {
  readonly reason: 'not-forward' | 'before-previous' | 'future' | 'ended';
  constructor(reason: PhaseChangeError['reason']) {
    super(reason);
    this.reason = reason;
  }
}
export class SupportEndedError extends Error {}
export class UnknownAdvisorError extends Error {}

async function visiblePerson(db: Db, viewer: Viewer, personId: number) {
  const person = await db
    .selectFrom('person')
    .select(['id', 'territory'])
    .where('id', '=', personId)
    .where(personScope(viewer))
    .executeTakeFirst();
  if (!person) throw new PersonNotFoundError();
  return person;
}

/**
 * Starts an individual support for a person, or from an accepted support request (one click: a
 * second click, even concurrent, finds the support already started). A person has at most one
 * open support: starting another one returns it. The viewer is the advisor in charge.
 */
export async function startSupport(
  db: Kysely<Database>,
  input: { viewer: Viewer; personId?: number; registrationId?: number },
): Promise<{ id: number; created: boolean }> {
  const at = now();
  const iso = at.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      let personId = input.personId;
      if (input.registrationId !== undefined) {
        const r = await trx
          .selectFrom('registration')
          .select(['id', 'person_id', 'territory', 'kind', 'status'])
          .where('id', '=', input.registrationId)
          .executeTakeFirst();
        if (!r || !canSeeTerritory(input.viewer, r.territory)) throw new PersonNotFoundError();
        if (r.kind !== 'support' || r.status !== 'accepted') throw new NotAcceptedSupportRequestError();
        const already = await trx
          .selectFrom('support')
          .select('id')
          .where('registration_id', '=', r.id)
          .executeTakeFirst();
        if (already) return { id: already.id, created: false };
        personId = r.person_id;
      } else {
        await visiblePerson(trx, input.viewer, personId as number);
      }
      const open = await trx
        .selectFrom('support')
        .select('id')
        .where('person_id', '=', personId as number)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      if (open) return { id: open.id, created: false };
      const support = await trx
        .insertInto('support')
        .values({
          person_id: personId as number,
          advisor_id: input.viewer.id,
          phase: 'emergence',
          started_at: iso,
          created_at: iso,
          updated_at: iso,
          registration_id: input.registrationId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('support_phase')
        .values({
          support_id: support.id,
          phase: 'emergence',
          started_on: parisDate(at),
          changed_by: input.viewer.id,
          created_at: iso,
        })
        .execute();
      await audit(trx, {
        actorId: input.viewer.id,
        action: 'support.start',
        entityType: 'support',
        entityId: support.id,
        personId: personId ?? null,
        details: input.registrationId ? { registration: input.registrationId } : undefined,
      });
      return { id: support.id, created: true };
    });
  } catch (error) {
    // Two clicks on "start" for the same request at once: the second finds the first.
    if (isUniqueViolation(error) && input.registrationId !== undefined) {
      const row = await db
        .selectFrom('support')
        .select('id')
        .where('registration_id', '=', input.registrationId)
        .executeTakeFirst();
      if (row) return { id: row.id, created: false };
    }
    throw error;
  }
}

/** The support row, when the viewer may see its person (by the person's territory). */
async function visibleSupport(db: Db, viewer: Viewer, supportId: number) {
  const row = await db
    .selectFrom('support')
    .innerJoin('person', 'person.id', 'support.person_id')
    .selectAll('support')
    .select('person.territory')
    .where('support.id', '=', supportId)
    .where(personScope(viewer))
    .executeTakeFirst();
  if (!row) throw new SupportNotFoundError();
  return row;
}

/** Moves a support to a later phase, from a given date: a new dated row, the old ones kept. */
export async function changePhase(
  db: Kysely<Database>,
  input: { viewer: Viewer; supportId: number; phase: Phase; startedOn: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const support = await visibleSupport(trx, input.viewer, input.supportId);
    if (support.ended_at) throw new PhaseChangeError('ended');
    if (input.startedOn > parisDate()) throw new PhaseChangeError('future');
    const last = await trx
      .selectFrom('support_phase')
      .select(['phase', 'started_on'])
      .where('support_id', '=', support.id)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const check = checkPhaseChange(
      {
        phase: (last?.phase ?? support.phase) as Phase,
        startedOn: last?.started_on ?? support.started_at.slice(0, 10),
      },
      { phase: input.phase, startedOn: input.startedOn },
    );
    if (check !== 'ok') throw new PhaseChangeError(check);
    const iso = now().toISOString();
    await trx
      .insertInto('support_phase')
      .values({
        support_id: support.id,
        phase: input.phase,
        started_on: input.startedOn,
        changed_by: input.viewer.id,
        created_at: iso,
      })
      .execute();
    await trx
      .updateTable('support')
      .set({ phase: input.phase, updated_at: iso })
      .where('id', '=', support.id)
      .execute();
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'support.phase',
      entityType: 'support',
      entityId: support.id,
      personId: support.person_id,
      details: { from: support.phase, to: input.phase, on: input.startedOn },
    });
  });
}

/** Puts another advisor in charge (audit-logged with the previous and the new one). */
export async function reassignSupport(
  db: Kysely<Database>,
  input: { viewer: Viewer; supportId: number; advisorId: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const support = await visibleSupport(trx, input.viewer, input.supportId);
    if (support.ended_at) throw new SupportEndedError();
    const allowed = await eligibleAdvisors(trx, support.territory);
    if (!allowed.some((a) => a.id === input.advisorId)) throw new UnknownAdvisorError();
    if (support.advisor_id === input.advisorId) return;
    await trx
      .updateTable('support')
      .set({ advisor_id: input.advisorId, updated_at: now().toISOString() })
      .where('id', '=', support.id)
      .execute();
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'support.reassign',
      entityType: 'support',
      entityId: support.id,
      personId: support.person_id,
      details: { before: support.advisor_id, after: input.advisorId },
    });
  });
}

/** Ends a support with an activity created or a reason. */
export async function endSupport(
  db: Kysely<Database>,
  input: { viewer: Viewer; supportId: number; end: EndSupport },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const support = await visibleSupport(trx, input.viewer, input.supportId);
    if (support.ended_at) throw new SupportEndedError();
    const e = input.end;
    const iso = now().toISOString();
    await trx
      .updateTable('support')
      .set({
        ended_at: iso,
        outcome: e.outcome === 'activite' ? 'activite-creee' : 'arret',
        activity_name: e.outcome === 'activite' ? e.activityName : null,
        legal_form: e.outcome === 'activite' ? e.legalForm : null,
        jobs_created: e.outcome === 'activite' ? e.jobsCreated : null,
        end_reason: e.outcome === 'arret' ? e.reason : null,
        outcome_date: e.outcomeDate,
        updated_at: iso,
      })
      .where('id', '=', support.id)
      .execute();
    await audit(trx, {
      actorId: input.viewer.id,
      action: 'support.end',
      entityType: 'support',
      entityId: support.id,
      personId: support.person_id,
      details:
        e.outcome === 'activite'
          ? { outcome: 'activite', legalForm: e.legalForm }
          : { outcome: 'arret', reason: e.reason },
    });
  });
}
