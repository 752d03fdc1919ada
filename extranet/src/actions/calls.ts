import { z } from 'zod';
import {
  CALL_OUTCOMES,
  CallNotFoundError,
  recordCallOutcome,
  recordSmsByHand,
} from '../features/notifications/calls.service.ts';
import { blankIsMissing, FieldRefusal, formAction, missingIsBlank } from '../lib/action.ts';

/** How a call went (`/a-appeler`): the call, its outcome, an optional comment. */
const outcomeForm = missingIsBlank(
  ['id'],
  blankIsMissing(
    ['outcome', 'comment'],
    z.object({
      id: z.coerce.number({ error: 'Appel introuvable.' }).int().positive().max(2_147_483_647),
      outcome: z.enum(Object.keys(CALL_OUTCOMES) as [keyof typeof CALL_OUTCOMES], {
        error: 'Choisissez comment l’appel s’est passé.',
      }),
      comment: z
        .string()
        .trim()
        .max(1000, { error: 'Le commentaire est trop long (1 000 caractères au plus).' })
        .optional(),
    }),
  ),
);

/** The list of people to call (`/a-appeler`). */
export const calls = {
  /** Records how the call went: a note « appel » on the person's file. */
  record: formAction({
    input: outcomeForm,
    handler: async (call, viewer, { locals }) => {
      try {
        await recordCallOutcome(locals.runtime.db, { ...call, viewer });
      } catch (e) {
        if (!(e instanceof CallNotFoundError)) throw e;
        const gone = 'Cet appel n’est plus dans la liste (déjà noté par quelqu’un d’autre ?).';
        throw new FieldRefusal({ form: gone }, { status: 404 });
      }
      return { outcome: call.outcome };
    },
  }),
  /** An SMS waiting in the list (no provider, refused, undelivered): sent by hand, or called. */
  sms: formAction({
    input: outcomeForm,
    handler: async (sms, viewer, { locals }) => {
      try {
        await recordSmsByHand(locals.runtime.db, { ...sms, viewer });
      } catch (e) {
        if (!(e instanceof CallNotFoundError)) throw e;
        const gone = 'Ce SMS n’est plus dans la liste (déjà noté par quelqu’un d’autre ?).';
        throw new FieldRefusal({ form: gone }, { status: 404 });
      }
      return { outcome: sms.outcome };
    },
  }),
};
