import { z } from 'zod';
import { saveTargets } from '../features/reporting/indicators.service.ts';
import { FieldRefusal, formAction, missingIsBlank } from '../lib/action.ts';

/** The three figures as typed (a field left out reads as blank): saveTargets holds their rules. */
const targetsTyped = missingIsBlank(
  ['annee', 'participants', 'porteurs'],
  z.object({ annee: z.string(), participants: z.string(), porteurs: z.string() }),
);

/** The indicators page (`/indicateurs`). */
export const indicators = {
  /** An admin sets a year's targets: a new row, the earlier ones stay as history. */
  setTargets: formAction({
    role: 'admin',
    input: targetsTyped,
    handler: async (typed, viewer, { locals }) => {
      const saved = await saveTargets(locals.runtime.db, viewer, typed);
      if ('errors' in saved) throw new FieldRefusal(saved.errors);
      return saved;
    },
  }),
};
