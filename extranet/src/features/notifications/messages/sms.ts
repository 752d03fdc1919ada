import { calendarDateFormat, formatTime } from '@maillage/platform/dates';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import { formatPhone } from '@maillage/platform/phone';
import type { NotificationContext, NotificationPurpose } from '../types.ts';
import { sortSlots } from './common.ts';

/**
 * The SMS texts (read on a phone, often a basic one): GSM-7 only (toGsm7; one character outside it
 * triples the price), one SMS (160 characters) for receipts, confirmations and reminders, two (306)
 * for the rest. A long session title is shortened (never the date, the place, the link). The words
 * an advisor reads on a call stay in call-script.ts.
 */
export const SMS_BUDGET: Record<string, 1 | 2> = {
  receipt: 1,
  reminder: 1,
  accepted: 1,
  waitlisted: 2,
  declined: 2,
  cancelled: 2,
};

/** "lundi 14 décembre" */
const shortDay = calendarDateFormat({ weekday: 'long', day: 'numeric', month: 'long' });

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(1, max - 3));
  const word = cut.replace(/\s+\S*$/, '');
  return `${(word.length >= max / 2 ? word : cut).replace(/[\s,;:.\-–—]+$/, '')}...`;
}

/** The text with the longest title that fits `segments` SMS (the title shortened word by word). */
function fit(build: (title: string) => string, title: string, segments: 1 | 2): string {
  for (let max = title.length; max > 8; max--) {
    const text = toGsm7(build(shorten(title, max)));
    if (smsSegments(text).segments <= segments) return text;
  }
  return toGsm7(build(shorten(title, 8)));
}

/** Which template a message is (the budget's key). */
export function smsTemplate(ctx: NotificationContext, purpose: NotificationPurpose): string {
  return purpose === 'decision' ? ctx.registration.status : purpose;
}

/**
 * The SMS for one message to one person; `cancelLink` is the short « je ne peux pas venir » link
 * (`/c/<code>`) when there is a session. Returns GSM-7 text within the template's budget.
 */
export function smsText(
  ctx: NotificationContext,
  purpose: NotificationPurpose,
  cancelLink: string | null,
): string {
  const r = ctx.registration;
  const e = r.event;
  const first = e ? sortSlots(e.slots)[0] : undefined;
  const when = first ? `${shortDay(first.date)} à ${formatTime(first.start).replace(/ /g, '')}` : '';
  const commune = e?.venue.commune ?? '';
  const number = ctx.team.phone || ctx.team.associationPhone;
  const call = number ? `appelez le ${formatPhone(number)}` : 'appelez votre conseiller';
  const name = shorten(ctx.person.firstName.trim(), 20);
  const absent = cancelLink ? `Empêchement : ${cancelLink}` : `Empêchement : ${call}.`;
  const budget = SMS_BUDGET[smsTemplate(ctx, purpose)] ?? 2;
  const title = e?.title ?? '';

  if (purpose === 'reminder' && e)
    return fit((t) => `Maillage : rappel, "${t}" ${when}, ${commune}. ${absent}`, title, 1);
  if (purpose === 'decision') {
    if (r.status === 'accepted' && e)
      return fit((t) => `Maillage : place confirmée pour "${t}", ${when}, ${commune}. ${absent}`, title, 1);
    if (r.status === 'accepted')
      return toGsm7(
        `Maillage : votre demande est acceptée. Un conseiller vous appelle pour fixer un premier rendez-vous. Dossier ${r.reference}.`,
      );
    if (r.status === 'waitlisted')
      return fit(
        (t) =>
          `Maillage : bonjour ${name}. "${t}"${when ? ` du ${when}` : ''} est complet : vous êtes sur liste d'attente. Nous vous prévenons si une place se libère.${cancelLink ? ` Plus besoin de place ? ${cancelLink}` : ''} Dossier ${r.reference}.`,
        title,
        budget,
      );
    if (r.status === 'declined')
      // The reason is the advisor's words: shortened when long, the rest of the text never.
      return fit(
        (why) =>
          `Maillage : bonjour ${name}. Nous ne pouvons pas donner suite à votre demande${why ? ` (${why})` : ''}. D'autres solutions existent : ${call}. Dossier ${r.reference}.`,
        r.decisionReason?.trim() ?? '',
        budget,
      );
    if (r.status === 'cancelled')
      return fit(
        (t) =>
          `Maillage : bonjour ${name}. Votre inscription${t ? ` à "${t}"` : ''} est annulée. Pour en parler, ${call}. Dossier ${r.reference}.`,
        title,
        budget,
      );
  }
  const next = {
    event: 'Réponse sous 2 jours ouvrés.',
    support: 'Un conseiller vous appelle sous 5 jours ouvrés.',
    callback: 'Un conseiller vous rappelle sous 2 jours ouvrés.',
  }[r.kind];
  return toGsm7(`Maillage : demande bien reçue (dossier ${r.reference}). ${next}`);
}
