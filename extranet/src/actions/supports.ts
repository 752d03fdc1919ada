import { parisDate, parisTime } from '@maillage/platform/clock';
import { z } from 'zod';
import { noteForm } from '../features/notes/notes.rules.ts';
import { addNote } from '../features/notes/notes.service.ts';
import { PersonNotFoundError } from '../features/persons/persons.rules.ts';
import { endSupportForm, phaseChangeForm } from '../features/supports/supports.rules.ts';
import {
  changePhase,
  endSupport,
  getSupport,
  NotAcceptedSupportRequestError,
  PhaseChangeError,
  reassignSupport,
  SupportEndedError,
  SupportNotFoundError,
  startSupport,
  UnknownAdvisorError,
} from '../features/supports/supports.service.ts';
import { blankIsMissing, FieldRefusal, formAction, recordMissing } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';

/** A support's page (`/accompagnements/[id]`): every form names the support it changes. */
const onSupport = z.object({ support: recordId });

const PHASE_ERRORS: Record<PhaseChangeError['reason'], string> = {
  'not-forward':
    'La nouvelle phase doit venir après la phase actuelle (émergence → maturation → création → développement).',
  'before-previous': 'La date ne peut pas précéder celle de la phase actuelle.',
  future: 'La date ne peut pas être dans le futur.',
  ended: 'Cet accompagnement est terminé.',
};

/** The service's refusals, in the page's words. */
function refusal(e: unknown): never {
  if (e instanceof SupportNotFoundError || e instanceof PersonNotFoundError) throw recordMissing();
  if (e instanceof PhaseChangeError) throw new FieldRefusal({ startedOn: PHASE_ERRORS[e.reason] });
  if (e instanceof SupportEndedError) throw new FieldRefusal({ form: PHASE_ERRORS.ended });
  if (e instanceof UnknownAdvisorError)
    throw new FieldRefusal({ advisor: 'Cette personne ne peut pas suivre ce territoire.' });
  throw e;
}

const CHOOSE_ADVISOR = 'Choisissez la conseillère ou le conseiller.';

export const supports = {
  /** A support started, from a person's file or from an accepted support request (one click). */
  start: formAction({
    input: z
      .object({ person: z.unknown().optional(), registration: z.unknown().optional() })
      .transform(({ person, registration }, ctx) => {
        const byRequest = recordId.safeParse(registration);
        if (byRequest.success) return { registrationId: byRequest.data };
        const byPerson = recordId.safeParse(person);
        if (byPerson.success) return { personId: byPerson.data };
        ctx.addIssue({ code: 'custom', message: 'Choisissez la personne à accompagner.' });
        return z.NEVER;
      }),
    handler: async (from, viewer, { locals }) => {
      try {
        return await startSupport(locals.runtime.db, { viewer, ...from });
      } catch (e) {
        if (e instanceof PersonNotFoundError)
          throw new FieldRefusal({ form: 'Personne introuvable.' }, { status: 404 });
        if (e instanceof NotAcceptedSupportRequestError)
          throw new FieldRefusal(
            { form: 'Cette demande n’est pas une demande d’accompagnement acceptée.' },
            { status: 409 },
          );
        throw e;
      }
    },
  }),

  phase: formAction({
    input: blankIsMissing(['phase'], phaseChangeForm.extend(onSupport.shape)),
    handler: async ({ support, phase, startedOn }, viewer, { locals }) => {
      await changePhase(locals.runtime.db, { viewer, supportId: support, phase, startedOn }).catch(refusal);
    },
  }),

  reassign: formAction({
    input: onSupport.extend({
      advisor: z.string({ error: CHOOSE_ADVISOR }).min(1, { error: CHOOSE_ADVISOR }),
    }),
    handler: async ({ support, advisor }, viewer, { locals }) => {
      await reassignSupport(locals.runtime.db, { viewer, supportId: support, advisorId: advisor }).catch(
        refusal,
      );
    },
  }),

  end: formAction({
    input: blankIsMissing(
      ['outcome', 'legalForm', 'jobsCreated', 'reason'],
      z.intersection(onSupport, endSupportForm),
    ),
    handler: async ({ support, ...end }, viewer, { locals }) => {
      await endSupport(locals.runtime.db, { viewer, supportId: support, end }).catch(refusal);
    },
  }),

  /** A note on the support's person, tied to the support. */
  note: formAction({
    input: () => noteForm(parisDate(), parisTime()).safeExtend(onSupport.shape),
    handler: async ({ support: supportId, ...note }, viewer, { locals }) => {
      const { db } = locals.runtime;
      const support = await getSupport(db, viewer, supportId).catch(refusal);
      await addNote(db, { viewer, personId: support.person_id, supportId: support.id, note }).catch(refusal);
    },
  }),
};
