import { now, parisDate, parisInstant } from '@maillage/platform/clock';
import { type Kysely, SqliteAdapter, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { PersonNotFoundError } from '../persons/persons.rules.ts';
import type { NoteInput } from './notes.rules.ts';

type Db = Kysely<Database> | Transaction<Database>;

export class NoteNotFoundError extends Error {}

/** A note's date is a day: stored as noon, Paris time, so it sorts among calls (instants). */
export function noteInstant(day: string): string {
  return parisInstant(day, '12:00').toISOString();
}

/** Keeps the person's last contact (retention, quiet supports) at the latest note. */
async function touchLastContact(trx: Db, personId: number, at: string) {
  await trx
    .updateTable('person')
    .set({ last_contact_at: at })
    .where('id', '=', personId)
    .where('last_contact_at', '<', at)
    .execute();
}

/** What a note says, as the form gives it: written on creation and on each edit. */
function noteContent(n: NoteInput) {
  return {
    kind: n.kind,
    occurred_at: noteInstant(n.occurredOn),
    body: n.body,
    next_action: n.nextAction ?? null,
    due_at: n.dueOn ?? null,
  };
}

/** A change to a note is audit-logged against its person (never with the note's text). */
async function auditNote(
  trx: Db,
  viewer: Viewer,
  action: string,
  note: { id: number; personId: number },
  details?: Record<string, unknown>,
) {
  await audit(trx, {
    actorId: viewer.id,
    action,
    entityType: 'note',
    entityId: note.id,
    personId: note.personId,
    details,
  });
}

/** Writes a note on a person, or on one of their supports. */
export async function addNote(
  db: Kysely<Database>,
  input: { viewer: Viewer; personId: number; supportId?: number | null; note: NoteInput },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('person')
      .select('id')
      .where('id', '=', input.personId)
      .where(personScope(input.viewer))
      .executeTakeFirst();
    if (!person) throw new PersonNotFoundError();
    if (input.supportId) {
      const s = await trx
        .selectFrom('support')
        .select('id')
        .where('id', '=', input.supportId)
        .where('person_id', '=', person.id)
        .executeTakeFirst();
      if (!s) throw new PersonNotFoundError();
    }
    const n = input.note;
    const content = noteContent(n);
    const iso = now().toISOString();
    const row = await trx
      .insertInto('note')
      .values({
        person_id: person.id,
        support_id: input.supportId ?? null,
        author_id: input.viewer.id,
        ...content,
        created_at: iso,
        updated_at: iso,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await touchLastContact(trx, person.id, content.occurred_at);
    await auditNote(
      trx,
      input.viewer,
      'note.create',
      { id: row.id, personId: person.id },
      { kind: n.kind, support: input.supportId ?? null, action: Boolean(n.nextAction) },
    );
    return row.id;
  });
}

async function visibleNote(db: Db, viewer: Viewer, noteId: number) {
  const row = await db
    .selectFrom('note')
    .innerJoin('person', 'person.id', 'note.person_id')
    .selectAll('note')
    .select(['person.first_name', 'person.last_name'])
    .where('note.id', '=', noteId)
    .where(personScope(viewer))
    .executeTakeFirst();
  if (!row) throw new NoteNotFoundError();
  return row;
}

/** Edits a note: the previous version goes to note_revision first, so nothing is lost. */
export async function editNote(
  db: Kysely<Database>,
  input: { viewer: Viewer; noteId: number; note: NoteInput },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const old = await visibleNote(trx, input.viewer, input.noteId);
    const content = noteContent(input.note);
    const iso = now().toISOString();
    await trx
      .insertInto('note_revision')
      .values({
        note_id: old.id,
        kind: old.kind,
        occurred_at: old.occurred_at,
        body: old.body,
        next_action: old.next_action,
        due_at: old.due_at,
        edited_by: input.viewer.id,
        edited_at: iso,
      })
      .execute();
    await trx
      .updateTable('note')
      .set({ ...content, updated_at: iso })
      .where('id', '=', old.id)
      .execute();
    await touchLastContact(trx, old.person_id, content.occurred_at);
    await auditNote(trx, input.viewer, 'note.edit', { id: old.id, personId: old.person_id });
  });
}

/** Marks a note's next action done (or not done again). */
export async function setActionDone(
  db: Kysely<Database>,
  input: { viewer: Viewer; noteId: number; done: boolean },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const note = await visibleNote(trx, input.viewer, input.noteId);
    if (!note.next_action) throw new NoteNotFoundError();
    await trx
      .updateTable('note')
      .set(
        input.done
          ? { done_at: now().toISOString(), done_by: input.viewer.id }
          : { done_at: null, done_by: null },
      )
      .where('id', '=', note.id)
      .execute();
    await auditNote(trx, input.viewer, input.done ? 'note.action-done' : 'note.action-reopen', {
      id: note.id,
      personId: note.person_id,
    });
  });
}

/** A note with its earlier versions, newest first. */
export async function getNote(db: Kysely<Database>, viewer: Viewer, noteId: number) {
  const note = await visibleNote(db, viewer, noteId);
  const revisions = await db
    .selectFrom('note_revision')
    .leftJoin('users', 'users.id', 'note_revision.edited_by')
    .selectAll('note_revision')
    .select('users.name as edited_by_name')
    .where('note_revision.note_id', '=', noteId)
    .orderBy('note_revision.id', 'desc')
    .execute();
  return { ...note, revisions };
}

/** getNote for the note's page: a read of the note, audited. */
export async function readNote(db: Kysely<Database>, viewer: Viewer, noteId: number) {
  const note = await getNote(db, viewer, noteId);
  await audit(db, {
    actorId: viewer.id,
    action: 'note.read',
    entityType: 'note',
    entityId: note.id,
    personId: note.person_id,
  });
  return note;
}

/** Notes of a person or of a support, newest first, with their author. */
export async function listNotes(
  db: Kysely<Database>,
  where: { personId: number } | { supportId: number },
  limit = 100,
) {
  let q = db
    .selectFrom('note')
    .leftJoin('users', 'users.id', 'note.author_id')
    .selectAll('note')
    .select([
      'users.name as author_name',
      sql<number>`(select count(*) from note_revision r where r.note_id = note.id)`.as('revisions'),
    ]);
  q =
    'personId' in where
      ? q.where('note.person_id', '=', where.personId)
      : q.where('note.support_id', '=', where.supportId);
  return q.orderBy('note.occurred_at', 'desc').orderBy('note.id', 'desc').limit(limit).execute();
}

/**
 * "Mes prochaines actions": open next actions of the notes an advisor wrote or of the supports
 * they are in charge of, within their territories; by due date, so late ones come first.
 * `everyone`: every advisor's open actions the viewer may see (the admins' dashboard).
 */
export async function listOpenActions(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { everyone?: boolean; limit?: number } = {},
) {
  const rows = await db
    .selectFrom('note')
    .innerJoin('person', 'person.id', 'note.person_id')
    .leftJoin('support', 'support.id', 'note.support_id')
    .select([
      'note.id',
      'note.person_id',
      'note.support_id',
      'note.next_action',
      'note.due_at',
      'note.kind',
      'person.first_name',
      'person.last_name',
    ])
    // The same terms as the partial index note_open_action_idx, so both databases can use it.
    .where('note.due_at', 'is not', null)
    .where('note.next_action', 'is not', null)
    .where('note.done_at', 'is', null)
    .$if(!options.everyone, (q) =>
      q.where((eb) =>
        eb.or([eb('note.author_id', '=', viewer.id), eb('support.advisor_id', '=', viewer.id)]),
      ),
    )
    .where(
      // SQLite without statistics would walk the territory's people and sort their notes; the
      // unary + keeps it on note_open_action_idx, in due order (0.3 ms instead of 6 on the bench).
      db.getExecutor().adapter instanceof SqliteAdapter &&
        viewer.role !== 'admin' &&
        viewer.territories.length
        ? sql<boolean>`+person.territory in (${sql.join(viewer.territories)})`
        : personScope(viewer),
    )
    .orderBy('note.due_at', 'asc')
    .orderBy('note.id', 'asc')
    .limit(options.limit ?? 200)
    .execute();
  const today = parisDate();
  return rows.map((r) => ({ ...r, late: (r.due_at ?? '') < today, dueToday: r.due_at === today }));
}
