import { z } from 'zod';
import { parisDate } from '../contract/clock.ts';
import { noteForm } from '../features/notes/notes.rules.ts';
import { addNote } from '../features/notes/notes.service.ts';
import { MergeNotAllowedError, mergePersons } from '../features/persons/merge.service.ts';
import { PhoneTakenError, updatePerson } from '../features/persons/persons.repository.ts';
import { personEditForm } from '../features/persons/persons.rules.ts';
import { PersonNotFoundError } from '../features/persons/persons.scope.ts';
import { FieldRefusal, formAction, recordMissing } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';

/** The person's file (`/personnes/[id]`): every form names the file it changes (`person`). */
const onPerson = z.object({ person: recordId });

/** A duplicate merged into this file: the other file's number, and a box ticked to confirm. */
const mergeForm = onPerson
  .extend({ other: z.string().optional(), confirm: z.string().optional() })
  .transform((v, ctx) => {
    const other = recordId.safeParse(v.other);
    if (!other.success || other.data === v.person) {
      ctx.addIssue({ code: 'custom', path: ['other'], message: 'Indiquez le numéro d’un autre dossier.' });
      return z.NEVER;
    }
    if (v.confirm !== 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message: 'Cochez la case pour confirmer la fusion.',
      });
      return z.NEVER;
    }
    return { keepId: v.person, mergeId: other.data };
  });

/** The service's refusals, in the page's words. */
function refusal(error: unknown): never {
  if (error instanceof PersonNotFoundError) throw recordMissing();
  if (error instanceof PhoneTakenError)
    throw new FieldRefusal({
      phone:
        'Ce numéro est déjà celui d’une autre personne : vérifiez, ou demandez une fusion à un·e administrateur·rice.',
    });
  throw error;
}

export const persons = {
  /** Corrects identity and contact details: `changed` is false when nothing differed. */
  edit: formAction({
    input: personEditForm.safeExtend(onPerson.shape),
    handler: async ({ person, ...values }, viewer, { locals }) => {
      const changed = await updatePerson(locals.runtime.db, { viewer, personId: person, values }).catch(
        refusal,
      );
      return { changed: changed.length > 0 };
    },
  }),

  note: formAction({
    input: () => noteForm(parisDate()).safeExtend(onPerson.shape),
    handler: async ({ person, ...note }, viewer, { locals }) => {
      await addNote(locals.runtime.db, { viewer, personId: person, note }).catch(refusal);
    },
  }),

  /** Admins only: absorbs a duplicate record of the same person, history included. */
  merge: formAction({
    role: 'admin',
    input: mergeForm,
    handler: async ({ keepId, mergeId }, viewer, { locals }) => {
      try {
        await mergePersons(locals.runtime.db, { viewer, keepId, mergeId });
      } catch (e) {
        if (!(e instanceof PersonNotFoundError || e instanceof MergeNotAllowedError)) throw e;
        throw new FieldRefusal({ other: 'Ce dossier n’existe pas.' });
      }
    },
  }),
};
