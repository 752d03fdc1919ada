import { now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { PersonNotFoundError } from '../persons/persons.rules.ts';
import {
  findLastPhase,
  findOpenSupport,
  findRequest,
  findSupportDetail,
  findSupportOfRequest,
  findVisiblePerson,
  findVisibleSupport,
  insertPhase,
  insertSupport,
  selectAccountsByTerritory,
  selectOpenSupports,
  selectPhases,
  updateSupport,
} from './supports.repository.ts';
import {
  type CaseloadFilters,
  checkPhaseChange,
  type EndSupport,
  endState,
  isQuiet,
  PHASES,
  type Phase,
} from './supports.rules.ts';

// A support's life (start, phases, advisor in charge, end) and its reads: one support's page, the
// caseload, and who may be put in charge.

type Db = Kysely<Database> | Transaction<Database>;

export class SupportNotFoundError extends Error {}

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
  const person = await findVisiblePerson(db, viewer, personId);
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
        const r = await findRequest(trx, input.registrationId);
        if (!r || !canSeeTerritory(input.viewer, r.territory)) throw new PersonNotFoundError();
        if (r.kind !== 'support' || r.status !== 'accepted') throw new NotAcceptedSupportRequestError();
        const already = await findSupportOfRequest(trx, r.id);
        if (already) return { id: already.id, created: false };
        personId = r.person_id;
      } else {
        await visiblePerson(trx, input.viewer, personId as number);
      }
      const open = await findOpenSupport(trx, personId as number);
      if (open) return { id: open.id, created: false };
      const supportId = await insertSupport(trx, {
        person_id: personId as number,
        advisor_id: input.viewer.id,
        phase: 'emergence',
        started_at: iso,
        registration_id: input.registrationId ?? null,
      });
      await insertPhase(trx, {
        support_id: supportId,
        phase: 'emergence',
        started_on: parisDate(at),
        changed_by: input.viewer.id,
        created_at: iso,
      });
      await audit(trx, {
        actorId: input.viewer.id,
        action: 'support.start',
        entityType: 'support',
        entityId: supportId,
        personId: personId ?? null,
        details: input.registrationId ? { registration: input.registrationId } : undefined,
      });
      return { id: supportId, created: true };
    });
  } catch (error) {
    // Two clicks on "start" for the same request at once: the second finds the first.
    if (isUniqueViolation(error) && input.registrationId !== undefined) {
      const row = await findSupportOfRequest(db, input.registrationId);
      if (row) return { id: row.id, created: false };
    }
    throw error;
  }
}

/** The support row, when the viewer may see its person (by the person's territory). */
async function visibleSupport(db: Db, viewer: Viewer, supportId: number) {
  const row = await findVisibleSupport(db, viewer, supportId);
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
    const last = await findLastPhase(trx, support.id);
    const check = checkPhaseChange(
      {
        phase: (last?.phase ?? support.phase) as Phase,
        startedOn: last?.started_on ?? support.started_at.slice(0, 10),
      },
      { phase: input.phase, startedOn: input.startedOn },
    );
    if (check !== 'ok') throw new PhaseChangeError(check);
    const iso = now().toISOString();
    await insertPhase(trx, {
      support_id: support.id,
      phase: input.phase,
      started_on: input.startedOn,
      changed_by: input.viewer.id,
      created_at: iso,
    });
    await updateSupport(trx, support.id, { phase: input.phase, updated_at: iso });
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
    await updateSupport(trx, support.id, { advisor_id: input.advisorId, updated_at: now().toISOString() });
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
    await updateSupport(trx, support.id, {
      ended_at: iso,
      outcome: e.outcome === 'activite' ? 'activite-creee' : 'arret',
      activity_name: e.outcome === 'activite' ? e.activityName : null,
      legal_form: e.outcome === 'activite' ? e.legalForm : null,
      jobs_created: e.outcome === 'activite' ? e.jobsCreated : null,
      end_reason: e.outcome === 'arret' ? e.reason : null,
      outcome_date: e.outcomeDate,
      updated_at: iso,
    });
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

/** Advisors who may be put in charge of a person of `territory`: active, covering it (or admins). */
export async function eligibleAdvisors(db: Db, territory: string | null) {
  const rows = await selectAccountsByTerritory(db);
  const seen = new Map<string, { id: string; name: string }>();
  for (const r of rows) {
    // disabled is a boolean on PostgreSQL, 0/1 on SQLite
    if (r.disabled) continue;
    if (r.role === 'admin' || (territory !== null && r.territory === territory))
      seen.set(r.id, { id: r.id, name: r.name });
  }
  return [...seen.values()];
}

/**
 * Last contact as a Paris date: the latest of a note (calls and SMS by hand write one), an
 * appointment held, a call or SMS recorded as done, a half-day attended — or the start of the
 * support when none.
 */
function lastContactOn(
  row: {
    last_note_at: string | null;
    last_appointment_at: string | null;
    last_call_at: string | null;
    last_attended_on: string | null;
  },
  startedAt: string,
): string {
  let latest = startedAt;
  // A date (attendance) as noon of its Paris day: it sorts among instants and keeps its day.
  const attended = row.last_attended_on ? parisInstant(row.last_attended_on, '12:00').toISOString() : null;
  for (const at of [row.last_note_at, row.last_appointment_at, row.last_call_at, attended])
    if (at && at > latest) latest = at;
  return parisDate(new Date(latest));
}

/** A support with its person, phases and advisor, or SupportNotFoundError. */
export async function getSupport(db: Kysely<Database>, viewer: Viewer, supportId: number) {
  const row = await findSupportDetail(db, viewer, supportId);
  if (!row) throw new SupportNotFoundError();
  const phases = await selectPhases(db, supportId);
  const lastContact = lastContactOn(row, row.started_at);
  return { ...row, phases, lastContact, quiet: !row.ended_at && isQuiet(lastContact, parisDate()) };
}

/** getSupport for the support's page: it shows the person's follow-up, a read of their record (audited). */
export async function readSupport(db: Kysely<Database>, viewer: Viewer, supportId: number) {
  const support = await getSupport(db, viewer, supportId);
  await audit(db, {
    actorId: viewer.id,
    action: 'person.read',
    entityType: 'support',
    entityId: support.id,
    personId: support.person_id,
  });
  return support;
}

/**
 * The caseload: open supports (of one advisor, or of every advisor the viewer can see), with the
 * last contact, the quiet warning and where each stands against its 3 years; the quietest first.
 */
export async function listCaseload(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { advisorId?: string | null | undefined; limit?: number } = {},
) {
  const rows = await selectOpenSupports(db, viewer, options);
  const today = parisDate();
  return rows
    .map((r) => {
      const lastContact = lastContactOn(r, r.started_at);
      const end = endState(parisDate(new Date(r.started_at)), today);
      return { ...r, lastContact, quiet: isQuiet(lastContact, today), end };
    })
    .sort((a, b) => a.lastContact.localeCompare(b.lastContact) || a.id - b.id);
}

const CASELOAD_PAGE_SIZE = 25;

/**
 * One page of the caseload as filtered and sorted (`/accompagnements`): by phase, last contact,
 * end date; sorted by last contact (quietest first), end date (soonest first), name or phase.
 * Every order ends on the support id, so pages stay stable.
 */
export async function caseloadPage(
  db: Kysely<Database>,
  viewer: Viewer,
  advisorId: string | null,
  f: CaseloadFilters,
) {
  const all = await listCaseload(db, viewer, { advisorId, limit: 5000 });
  const rows = all.filter(
    (s) =>
      (!f.phase || s.phase === f.phase) &&
      (!f.contact || (f.contact === 'sans-contact') === s.quiet) &&
      (!f.fin || s.end.state !== 'ok'),
  );
  const name = (s: (typeof rows)[number]) => `${s.last_name ?? ''} ${s.first_name}`.toLowerCase();
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  if (f.tri === 'fin') rows.sort((a, b) => a.end.endOn.localeCompare(b.end.endOn) || byId(a, b));
  else if (f.tri === 'nom') rows.sort((a, b) => name(a).localeCompare(name(b), 'fr') || byId(a, b));
  else if (f.tri === 'phase')
    rows.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || byId(a, b));
  const pages = Math.max(1, Math.ceil(rows.length / CASELOAD_PAGE_SIZE));
  const start = (f.page - 1) * CASELOAD_PAGE_SIZE;
  return {
    items: rows.slice(start, start + CASELOAD_PAGE_SIZE),
    total: rows.length,
    pages,
    quiet: rows.filter((s) => s.quiet).length,
    toClose: rows.filter((s) => s.end.state !== 'ok').length,
  };
}
