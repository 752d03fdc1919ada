import { addDays } from '@maillage/platform/clock';
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

// --- Per-date reminders and waiting-list offers (sessions) ------------------------------------------

/**
 * A session's reminder the day before each date, and a freed place offered from the waiting list:
 * ONE segment (160 GSM-7 characters) with the link never cut; the venue's commune is shortened,
 * then left out, when the rest needs the room. The caller passes the text through queueSms
 * (toGsm7); the fixed words use GSM-7 letters only (é è à, no ê, no « », no ’).
 */
const SEGMENT = 160;

/** "12/01" for "2027-01-12". */
const dayMonth = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}`;

/** "9h" or "9h30". */
const hour = (time: string) => formatTime(time).replace(/\s/g, '');

/** `head` + optional `place` (shortened to fit) + `tail`, in at most one segment. */
function fitPlace(head: string, place: string, tail: string): string {
  const room = SEGMENT - head.length - tail.length;
  if (!place || room < 10) return `${head}${tail}`;
  const text = place.length + 2 <= room ? place : `${place.slice(0, room - 3).trimEnd()}.`;
  return `${head}, ${text}${tail}`;
}

const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/**
 * The reminder of one date: its half-days' start times, where, and the « je ne peux pas venir »
 * link. Sent the day before (« demain »), or on Saturday for a Monday (« lundi »).
 */
export function reminderSms(input: {
  date: string;
  /** the day the SMS is queued (Paris) */
  today: string;
  starts: string[];
  /** the venue's commune */
  place: string;
  url: string;
}): string {
  const times = input.starts.map(hour).join(' et ');
  const tomorrow = addDays(input.today, 1) === input.date;
  const day = tomorrow ? 'demain' : WEEKDAYS[new Date(`${input.date}T12:00:00Z`).getUTCDay()];
  const head = `Maillage : rappel, votre session ${day} ${dayMonth(input.date)} à ${times}`;
  return fitPlace(head, input.place, `. Si vous ne venez pas : ${input.url}`);
}

/** A freed place: the session's first date to come, where, until when to answer, the link. */
export function offerSms(input: {
  date: string;
  place: string;
  until: { date: string; time: string };
  url: string;
}): string {
  const head = `Maillage : une place se libère pour la session du ${dayMonth(input.date)}`;
  const tail = `. Répondez avant le ${dayMonth(input.until.date)} ${hour(input.until.time)} : ${input.url}`;
  return fitPlace(head, input.place, tail);
}
