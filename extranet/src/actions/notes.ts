import { parisDate, parisTime } from '@maillage/platform/clock';
import { z } from 'zod';
import { noteForm } from '../features/notes/notes.rules.ts';
import { editNote, NoteNotFoundError, setActionDone } from '../features/notes/notes.service.ts';
import { formAction, recordMissing } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';

/** A note's page (`/notes/[id]`): every form names the note it changes. */
const onNote = z.object({ note: recordId });

function refusal(e: unknown): never {
  if (e instanceof NoteNotFoundError) throw recordMissing();
  throw e;
}

/** The note's next action marked done, or reopened. */
const markAction = (done: boolean) =>
  formAction({
    input: onNote,
    handler: async ({ note }, viewer, { locals }) => {
      await setActionDone(locals.runtime.db, { viewer, noteId: note, done }).catch(refusal);
    },
  });

export const notes = {
  /** A new version of the note; the previous one is kept in its history. */
  edit: formAction({
    input: () => noteForm(parisDate(), parisTime()).safeExtend(onNote.shape),
    handler: async ({ note: noteId, ...note }, viewer, { locals }) => {
      await editNote(locals.runtime.db, { viewer, noteId, note }).catch(refusal);
    },
  }),
  done: markAction(true),
  reopen: markAction(false),
};
