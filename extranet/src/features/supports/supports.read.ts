import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { parisDate } from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { personScope } from '../persons/persons.scope.ts';
import { isQuiet } from './supports.rules.ts';

// Reading supports: one support's page, the caseload, and who may be put in charge.

type Db = Kysely<Database> | Transaction<Database>;

export class SupportNotFoundError extends Error {}

/** Advisors who may be put in charge of a person of `territory`: active, covering it (or admins). */
export async function eligibleAdvisors(db: Db, territory: string | null) {
  const rows = await db
    .selectFrom('users')
    .leftJoin('user_territory', 'user_territory.user_id', 'users.id')
    .select(['users.id', 'users.name', 'users.role', 'users.disabled', 'user_territory.territory'])
    .orderBy('users.name')
    .execute();
  const seen = new Map<string, { id: string; name: string }>();
  for (const r of rows) {
    // disabled is a boolean on PostgreSQL, 0/1 on SQLite
    if (r.disabled) continue;
    if (r.role === 'admin' || (territory !== null && r.territory === territory))
      seen.set(r.id, { id: r.id, name: r.name });
  }
  return [...seen.values()];
}

/** The latest contact (a note, a call) with each person, as an ISO instant. */
function lastNoteAt() {
  return sql<string | null>`(select max(n.occurred_at) from note n where n.person_id = support.person_id)`;
}

/** Last contact as a Paris date: the latest note, or the start of the support when none. */
function lastContactOn(lastNote: string | null, startedAt: string): string {
  const latest = lastNote && lastNote > startedAt ? lastNote : startedAt;
  return parisDate(new Date(latest));
}

/** Supports the viewer may see (by their person's territory), with their person and advisor. */
function supportsOf(db: Kysely<Database>, viewer: Viewer) {
  return db
    .selectFrom('support')
    .innerJoin('person', 'person.id', 'support.person_id')
    .leftJoin('users', 'users.id', 'support.advisor_id')
    .select([
      'person.first_name',
      'person.last_name',
      'person.territory',
      'users.name as advisor_name',
      lastNoteAt().as('last_note_at'),
    ])
    .where(personScope(viewer));
}

/** A support with its person, phases and advisor, or SupportNotFoundError. */
export async function getSupport(db: Kysely<Database>, viewer: Viewer, supportId: number) {
  const row = await supportsOf(db, viewer)
    .selectAll('support')
    .select('person.phone')
    .where('support.id', '=', supportId)
    .executeTakeFirst();
  if (!row) throw new SupportNotFoundError();
  const phases = await db
    .selectFrom('support_phase')
    .leftJoin('users', 'users.id', 'support_phase.changed_by')
    .select(['support_phase.phase', 'support_phase.started_on', 'users.name as changed_by_name'])
    .where('support_phase.support_id', '=', supportId)
    .orderBy('support_phase.id', 'desc')
    .execute();
  const lastContact = lastContactOn(row.last_note_at, row.started_at);
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
 * last contact and the quiet warning; the quietest first.
 */
export async function listCaseload(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { advisorId?: string | null | undefined; limit?: number } = {},
) {
  let q = supportsOf(db, viewer)
    .select(['support.id', 'support.person_id', 'support.phase', 'support.started_at', 'support.advisor_id'])
    .where('support.ended_at', 'is', null);
  if (options.advisorId) q = q.where('support.advisor_id', '=', options.advisorId);
  const rows = await q
    .orderBy('support.id')
    .limit(options.limit ?? 500)
    .execute();
  const today = parisDate();
  return rows
    .map((r) => {
      const lastContact = lastContactOn(r.last_note_at, r.started_at);
      return { ...r, lastContact, quiet: isQuiet(lastContact, today) };
    })
    .sort((a, b) => a.lastContact.localeCompare(b.lastContact) || a.id - b.id);
}
