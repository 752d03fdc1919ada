import { type Kysely, SqliteAdapter, sql, type Transaction } from 'kysely';
import type { Database, NoteTable } from '../../db/database.ts';
import { personScope } from '../auth/scope.repository.ts';
import type { Viewer } from '../auth/viewer.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Keeps the person's last contact (retention, quiet supports) at the latest note. */
export async function touchLastContact(trx: Db, personId: number, at: string) {
  await trx
    .updateTable('person')
    .set({ last_contact_at: at })
    .where('id', '=', personId)
    .where('last_contact_at', '<', at)
    .execute();
}

/** The person's id when the viewer may see them. */
export async function findVisiblePerson(db: Db, viewer: Viewer, personId: number) {
  return db
    .selectFrom('person')
    .select('id')
    .where('id', '=', personId)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** The support's id when it is one of this person's. */
export async function findSupportOf(db: Db, personId: number, supportId: number) {
  return db
    .selectFrom('support')
    .select('id')
    .where('id', '=', supportId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** The appointment's id when it is one of this person's. */
export async function findAppointmentOf(db: Db, personId: number, appointmentId: number) {
  return db
    .selectFrom('appointment')
    .select('id')
    .where('id', '=', appointmentId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

type NoteContent = Pick<NoteTable, 'kind' | 'occurred_at' | 'body' | 'next_action' | 'due_at'> & {
  occurred_time: string | null;
};

export async function insertNote(
  db: Db,
  note: NoteContent & {
    person_id: number;
    support_id: number | null;
    appointment_id?: number | null;
    author_id: string;
    created_at: string;
  },
): Promise<number> {
  const row = await db
    .insertInto('note')
    .values({ ...note, updated_at: note.created_at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A note with its person's name, when the viewer may see the person. */
export async function findVisibleNote(db: Db, viewer: Viewer, noteId: number) {
  return db
    .selectFrom('note')
    .innerJoin('person', 'person.id', 'note.person_id')
    .selectAll('note')
    .select(['person.first_name', 'person.last_name'])
    .where('note.id', '=', noteId)
    .where(personScope(viewer))
    .executeTakeFirst();
}

/** Keeps a note's version before an edit. */
export async function insertRevision(
  db: Db,
  revision: Omit<NoteContent, 'occurred_time'> & { note_id: number; edited_by: string; edited_at: string },
): Promise<void> {
  await db.insertInto('note_revision').values(revision).execute();
}

export async function updateNote(db: Db, noteId: number, content: NoteContent & { updated_at: string }) {
  await db.updateTable('note').set(content).where('id', '=', noteId).execute();
}

/** Marks a note's next action done by someone, or not done (`done` null). */
export async function updateActionDone(db: Db, noteId: number, done: { at: string; by: string } | null) {
  await db
    .updateTable('note')
    .set(done ? { done_at: done.at, done_by: done.by } : { done_at: null, done_by: null })
    .where('id', '=', noteId)
    .execute();
}

/** A note's earlier versions, newest first, with their editor's name. */
export async function selectRevisions(db: Db, noteId: number) {
  return db
    .selectFrom('note_revision')
    .leftJoin('users', 'users.id', 'note_revision.edited_by')
    .selectAll('note_revision')
    .select('users.name as edited_by_name')
    .where('note_revision.note_id', '=', noteId)
    .orderBy('note_revision.id', 'desc')
    .execute();
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
 * Open next actions (a due date, not done) the viewer may see, by due date: of the notes the viewer
 * wrote or of the supports in their charge, or `everyone`'s.
 */
export async function selectOpenActions(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { everyone?: boolean; limit?: number },
) {
  return (
    db
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
      .execute()
  );
}
