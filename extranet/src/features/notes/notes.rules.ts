import { z } from 'zod';

export const NOTE_KINDS = {
  entretien: 'Entretien',
  appel: 'Appel',
  atelier: 'Atelier',
  'rendez-vous-partenaire': 'Rendez-vous partenaire',
  autre: 'Autre',
} as const;
type NoteKind = keyof typeof NOTE_KINDS;

const isoDate = (message: string) =>
  z.string({ error: message }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: message });
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * A note as typed in the form. `today` (Paris date) bounds the date: a note tells what happened.
 * A next action needs its due date, and a due date needs an action.
 */
export function noteForm(today: string) {
  return z
    .object({
      kind: z.enum(Object.keys(NOTE_KINDS) as [NoteKind], { error: 'Choisissez le type de note.' }),
      occurredOn: isoDate('Indiquez la date (jj/mm/aaaa).').refine((d) => d <= today, {
        error: 'La date ne peut pas être dans le futur.',
      }),
      body: z
        .string({ error: 'Écrivez la note.' })
        .trim()
        .min(1, { error: 'Écrivez la note.' })
        .max(5000, { error: 'La note est trop longue (5 000 caractères au plus).' }),
      nextAction: z.preprocess(
        emptyToUndefined,
        z
          .string()
          .trim()
          .max(300, { error: 'L’action est trop longue (300 caractères au plus).' })
          .optional(),
      ),
      dueOn: z.preprocess(emptyToUndefined, isoDate('Indiquez l’échéance (jj/mm/aaaa).').optional()),
    })
    .superRefine((v, ctx) => {
      if (v.nextAction && !v.dueOn)
        ctx.addIssue({
          code: 'custom',
          path: ['dueOn'],
          message: 'Indiquez l’échéance de la prochaine action.',
        });
      if (v.dueOn && !v.nextAction)
        ctx.addIssue({
          code: 'custom',
          path: ['nextAction'],
          message: 'Indiquez la prochaine action de cette échéance.',
        });
    });
}
export type NoteInput = z.infer<ReturnType<typeof noteForm>>;
