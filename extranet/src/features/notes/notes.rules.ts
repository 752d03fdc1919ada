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
 * A note as typed in the form. `today` (Paris date) and `nowTime` (Paris HH:MM) bound its date and
 * time: a note tells what happened; what is to come is a next action (or an appointment).
 * A next action needs its due date, and a due date needs an action.
 */
export function noteForm(today: string, nowTime?: string) {
  return z
    .object({
      kind: z.enum(Object.keys(NOTE_KINDS) as [NoteKind], { error: 'Choisissez le type de note.' }),
      occurredOn: isoDate('Indiquez la date (jj/mm/aaaa).').refine((d) => d <= today, {
        error:
          'Une note raconte ce qui s’est passé : sa date ne peut pas être dans le futur. Pour plus tard, écrivez une prochaine action avec son échéance, ou fixez un rendez-vous.',
      }),
      // The time of day, when known: a note without one is dated by its day only.
      occurredTime: z.preprocess(
        emptyToUndefined,
        z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Indiquez l’heure (hh:mm), ou laissez-la vide.' })
          .optional(),
      ),
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
      if (v.occurredTime && v.occurredOn === today && v.occurredTime > (nowTime ?? '23:59'))
        ctx.addIssue({
          code: 'custom',
          path: ['occurredTime'],
          message: 'L’heure ne peut pas être dans le futur : pour plus tard, écrivez une prochaine action.',
        });
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
