import { addDays, now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { PersonNotFoundError } from '../persons/persons.rules.ts';
import {
  findAppointmentOf,
  findSupportOf,
  findVisibleNote,
  findVisiblePerson,
  insertNote,
  insertRevision,
  selectOpenActions,
  selectRevisions,
  touchLastContact,
  updateActionDone,
  updateNote,
} from './notes.repository.ts';
import type { NoteInput } from './notes.rules.ts';

type Db = Kysely<Database> | Transaction<Database>;

export class NoteNotFoundError extends Error {}

/**
 * A note's date is a day, with its time when the advisor gives one; it is stored as an instant so
 * that it sorts among calls and requests. With a time: that instant (Paris). Without: no hour is
 * invented for display (`occurred_time` null, shown as a date only); the sort instant is the one
 * it already had when an edit keeps its day, now for a note of today (written after what happened
 * earlier today), the end of its day for another day (after that day's timed events).
 */
function noteInstant(day: string, time: string | undefined, kept?: string): string {
  if (time) return parisInstant(day, time).toISOString();
  if (kept && parisDate(new Date(kept)) === day) return kept;
  if (day === parisDate()) return now().toISOString();
  return new Date(parisInstant(addDays(day, 1), '00:00').getTime() - 1000).toISOString();
}

/** What a note says, as the form gives it: written on creation and on each edit. */
function noteContent(n: NoteInput, kept?: string) {
  return {
    kind: n.kind,
    occurred_at: noteInstant(n.occurredOn, n.occurredTime, kept),
    occurred_time: n.occurredTime ?? null,
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
  input: {
    viewer: Viewer;
    personId: number;
    supportId?: number | null;
    /** the appointment it reports on (one of the person's) */
    appointmentId?: number | null;
    note: NoteInput;
  },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const person = await findVisiblePerson(trx, input.viewer, input.personId);
    if (!person) throw new PersonNotFoundError();
    if (input.supportId) {
      if (!(await findSupportOf(trx, person.id, input.supportId))) throw new PersonNotFoundError();
    }
    if (input.appointmentId && !(await findAppointmentOf(trx, person.id, input.appointmentId)))
      throw new PersonNotFoundError();
    const n = input.note;
    const content = noteContent(n);
    const iso = now().toISOString();
    const id = await insertNote(trx, {
      person_id: person.id,
      support_id: input.supportId ?? null,
      appointment_id: input.appointmentId ?? null,
      author_id: input.viewer.id,
      ...content,
      created_at: iso,
    });
    await touchLastContact(trx, person.id, content.occurred_at);
    await auditNote(
      trx,
      input.viewer,
      'note.create',
      { id, personId: person.id },
      {
        kind: n.kind,
        support: input.supportId ?? null,
        appointment: input.appointmentId ?? null,
        action: Boolean(n.nextAction),
      },
    );
    return id;
  });
}

async function visibleNote(db: Db, viewer: Viewer, noteId: number) {
  const row = await findVisibleNote(db, viewer, noteId);
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
    const content = noteContent(input.note, old.occurred_at);
    const iso = now().toISOString();
    await insertRevision(trx, {
      note_id: old.id,
      kind: old.kind,
      occurred_at: old.occurred_at,
      body: old.body,
      next_action: old.next_action,
      due_at: old.due_at,
      edited_by: input.viewer.id,
      edited_at: iso,
    });
    await updateNote(trx, old.id, { ...content, updated_at: iso });
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
    await updateActionDone(
      trx,
      note.id,
      input.done ? { at: now().toISOString(), by: input.viewer.id } : null,
    );
    await auditNote(trx, input.viewer, input.done ? 'note.action-done' : 'note.action-reopen', {
      id: note.id,
      personId: note.person_id,
    });
  });
}

/** A note with its earlier versions, newest first. */
async function getNote(db: Kysely<Database>, viewer: Viewer, noteId: number) {
  const note = await visibleNote(db, viewer, noteId);
  const revisions = await selectRevisions(db, noteId);
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
  const rows = await selectOpenActions(db, viewer, options);
  const today = parisDate();
  return rows.map((r) => ({ ...r, late: (r.due_at ?? '') < today, dueToday: r.due_at === today }));
}
