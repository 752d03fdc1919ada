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
import { link, mail, p } from './render.ts';

/**
 * Reminder the day before a date of the session, to an accepted person with an email: that date's
 * half-days (a Parcours has several dates: one reminder each).
 */
export function reminderToPerson(ctx: NotificationContext, date: string): RenderedMail | null {
  const e = ctx.registration.event;
  if (!ctx.person.email || !e) return null;
  const slots = sortSlots(e.slots).filter((s) => s.date === date);
  const first = slots[0];
  if (!first) return null;
  const times = slots.map((s) => `de ${formatTime(s.start)} à ${formatTime(s.end)}`).join(' et ');
  return mail(ctx, 'reminder', ctx.person.email, `Rappel : « ${eventLabel(e)} », ${formatDay(date)}`, [
    p(`Bonjour ${ctx.person.firstName},`),
    p(`Petit rappel : la session « ${eventLabel(e)} » vous attend ${formatDay(date)}, ${times}.`),
    ...eventFacts(e),
    ...whatToBring(),
    p(`Vous ne pouvez pas venir ? Prévenez-nous${reach(ctx)}.`),
    ...cancelLink(ctx.registration),
    referenceLine(ctx.registration),
    p(`À bientôt,\n${ctx.team.name}`),
  ]);
}

/** What an advisor says on the phone the day before a date, when the person's channel is a call. */
export function reminderCallText(ctx: NotificationContext, date: string): string {
  const e = ctx.registration.event;
  const slots = e ? sortSlots(e.slots).filter((s) => s.date === date) : [];
  const times = slots.map((s) => formatTime(s.start)).join(' et à ');
  const where = e ? `${e.venue.name}, ${e.venue.address}, ${e.venue.commune}` : '';
  return `Bonjour ${ctx.person.firstName}, je suis conseiller·e chez Maillage. Petit rappel : la session « ${e ? eventLabel(e) : ''} » vous attend ${formatDay(date)} à ${times}, ${where}. En cas d'empêchement, dites-le-nous : la place ira à une personne qui attend. Dossier ${ctx.registration.reference}.`;
}

/** A freed place offered to a person on the waiting list, with the link to answer and the deadline. */
export function offerToPerson(
  ctx: NotificationContext,
  offer: { url: string; until: string },
): RenderedMail | null {
  const e = ctx.registration.event;
  if (!ctx.person.email || !e) return null;
  return mail(ctx, 'place-offer', ctx.person.email, `Une place s’est libérée : « ${eventLabel(e)} »`, [
    p(`Bonjour ${ctx.person.firstName},`),
    p(`Une place s’est libérée pour la session « ${eventLabel(e)} », sur laquelle vous attendiez.`),
    p(
      `Elle est à vous si vous répondez avant ${offer.until}. Après, nous la proposerons à la personne suivante.`,
    ),
    link('Je réponds : je prends la place, ou pas', offer.url),
    ...eventFacts(e),
    p(`Une question ? Appelez-nous${reach(ctx)}.`),
    referenceLine(ctx.registration),
    p(`À bientôt,\n${ctx.team.name}`),
  ]);
}

/** What an advisor says on the phone to offer a freed place (the person's channel is a call). */
export function offerCallText(ctx: NotificationContext, offer: { url: string; until: string }): string {
  const e = ctx.registration.event;
  // The words to say, then — apart, for the advisor only — what to do with the answer.
  return `Bonjour ${ctx.person.firstName}, c'est Maillage. Une place s'est libérée pour « ${e ? eventLabel(e) : ''} ». Elle vous est réservée jusqu'à ${offer.until}. Voulez-vous la prendre ? (Pour vous : si elle accepte, acceptez sa demande, dossier ${ctx.registration.reference} ; si elle veut réfléchir, son lien pour répondre : ${offer.url} ; sans réponse, la place ira à la personne suivante.)`;
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
