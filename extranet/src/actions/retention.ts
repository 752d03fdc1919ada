import { z } from 'zod';
import { erasePerson } from '../features/retention/erasure.service.ts';
import { erasureState } from '../features/retention/rights.view.ts';
import {
  MAX_RETENTION_MONTHS,
  MIN_RETENTION_MONTHS,
  setRetentionMonths,
} from '../features/retention/settings.service.ts';
import { FieldRefusal, formAction, recordMissing, requirePageOf } from '../lib/action.ts';
import { recordId } from '../lib/page.ts';
import { documentStore, outboxDir, smsDir } from '../lib/runtime.ts';

const periodForm = z.object({
  months: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z.coerce
      .number({ error: 'Indiquez une durée en mois.' })
      .int({ error: 'Indiquez un nombre entier de mois.' })
      .min(MIN_RETENTION_MONTHS, { error: `Au moins ${MIN_RETENTION_MONTHS} mois.` })
      .max(MAX_RETENTION_MONTHS, { error: `Au plus ${MAX_RETENTION_MONTHS} mois (10 ans).` }),
  ),
});

/** Erasure on request, in two steps: `erase` asks for the confirmation, `erase-confirm` erases. */
const eraseForm = z.object({
  person: recordId,
  intent: z.enum(['erase', 'erase-confirm'], { error: 'Action inconnue.' }),
  confirm: z.string().optional(),
});

/** Retention and the person's rights (admins only). */
export const retention = {
  /** The retention period in force from now (`/admin/conservation`), kept with its history, audited. */
  setPeriod: formAction({
    role: 'admin',
    input: periodForm,
    handler: async ({ months }, viewer, { locals }) => {
      await setRetentionMonths(locals.runtime.db, viewer.id, months);
    },
  }),

  /** A person erased at their request (`/admin/personnes/[id]`): the retention job's erasure, at once. */
  erase: formAction({
    role: 'admin',
    input: eraseForm,
    handler: async ({ person, intent, confirm }, viewer, context) => {
      requirePageOf(context, `/admin/personnes/${person}`);
      const { db } = context.locals.runtime;
      const state = await erasureState(db, person);
      if (!state) throw recordMissing();
      if (state.erasedAt)
        throw new FieldRefusal({ form: 'Cette personne est déjà effacée.' }, { status: 409 });
      if (intent === 'erase') return { erased: false };
      if (confirm !== 'on')
        throw new FieldRefusal({ confirm: 'Cochez la case pour confirmer l’effacement.' });
      await erasePerson(db, person, {
        actorId: viewer.id,
        reason: 'request',
        outboxDir: outboxDir(),
        smsDir: smsDir(),
        documents: documentStore(),
      });
      return { erased: true };
    },
  }),
};
