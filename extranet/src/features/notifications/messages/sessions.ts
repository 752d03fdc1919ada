import { formatDay, formatTime } from '@maillage/platform/dates';
import type { NotificationContext, RenderedMail } from '../types.ts';
import {
  cancelLink,
  contactBlock,
  eventFacts,
  eventLabel,
  personShortName,
  reach,
  referenceLine,
  sortSlots,
  whatToBring,
} from './common.ts';
import { mail, p } from './render.ts';

/** Reminder two days before the first half-day, to an accepted person with an email. */
export function reminderToPerson(ctx: NotificationContext): RenderedMail | null {
  const e = ctx.registration.event;
  if (!ctx.person.email || !e) return null;
  const first = sortSlots(e.slots)[0];
  if (!first) return null;
  return mail(
    ctx,
    'reminder',
    ctx.person.email,
    `Rappel : « ${eventLabel(e)} » commence ${formatDay(first.date)}`,
    [
      p(`Bonjour ${ctx.person.firstName},`),
      p(
        `Petit rappel : la session « ${eventLabel(e)} » commence ${formatDay(first.date)} à ${formatTime(first.start)}.`,
      ),
      ...eventFacts(e),
      ...whatToBring(),
      p(`Vous ne pouvez pas venir ? Prévenez-nous${reach(ctx)}.`),
      ...cancelLink(ctx.registration),
      referenceLine(ctx.registration),
      p(`À bientôt,\n${ctx.team.name}`),
    ],
  );
}

/**
 * End of a Parcours, to the professional who asked to be kept informed: whether the person came,
 * nothing else (never notes, never free text).
 */
export function parcoursEndToPrescriber(ctx: NotificationContext, attended: boolean): RenderedMail | null {
  const r = ctx.registration;
  const prescriber = r.prescriber;
  const e = r.event;
  if (r.source !== 'prescriber' || !prescriber?.email || !e) return null;
  const who = personShortName(ctx.person);
  const last = sortSlots(e.slots).at(-1);
  return mail(
    ctx,
    'prescriber-parcours-end',
    prescriber.email,
    `Fin de « ${eventLabel(e)} » pour ${who} — ${r.reference}`,
    [
      p(`Bonjour ${prescriber.name},`),
      p(
        `Vous nous avez demandé d'être tenu·e informé·e : la session « ${eventLabel(e)} »${last ? ` s'est terminée le ${formatDay(last.date)}` : ' est terminée'}.`,
      ),
      p(attended ? `${who} y a participé.` : `${who} n'y a pas participé.`),
      p(`Numéro de dossier : ${r.reference}.`),
      contactBlock(ctx),
      p(`Cordialement,\n${ctx.team.name}`),
    ],
  );
}
