import { addDays } from '@maillage/platform/clock';
import { calendarDateFormat, formatTime } from '@maillage/platform/dates';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import { formatPhone } from '@maillage/platform/phone';
import type { NotificationContext, NotificationPurpose } from '../types.ts';
import { capitalize, sortSlots } from './common.ts';

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

/** "mercredi 30/09" */
const shortDay = calendarDateFormat({ weekday: 'long', day: '2-digit', month: '2-digit' });

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(1, max - 3));
  const word = cut.replace(/\s+\S*$/, '');
  return `${(word.length >= max / 2 ? word : cut).replace(/[\s,;:.\-–—]+$/, '')}...`;
}

/** A text to shorten: itself, then shorter and shorter (at a word), then nothing. */
function* shorter(text: string): Generator<string> {
  for (let max = text.length; max >= 12; max--) yield shorten(text, max);
  yield '';
}

/** The first text that fits `segments` SMS once in GSM-7 (else the last one). */
function firstFitting(texts: Iterable<string>, segments: 1 | 2): string {
  let last = '';
  for (const text of texts) {
    last = toGsm7(text);
    if (smsSegments(last).segments <= segments) return last;
  }
  return last;
}

/** With the longest title that fits, for each place from the fullest (address) to the shortest. */
function* byTitleThenPlace(title: string, places: string[], build: (title: string, place: string) => string) {
  for (const place of places) for (const t of shorter(title)) yield build(t, place);
}

/** The text with the longest `part` that fits `segments` SMS (shortened at a word, else left out). */
function withinBudget(build: (part: string) => string, part: string, segments: 1 | 2): string {
  return firstFitting([...shorter(part)].map(build), segments);
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
  // The first name as the person wrote it, its first word and 20 letters at most.
  const name = (ctx.person.firstName.trim().split(/\s+/)[0] ?? '').slice(0, 20).replace(/-+$/, '');
  const absent = cancelLink ? `Absent ? ${cancelLink}` : `Absent ? ${capitalize(call)}.`;
  const budget = SMS_BUDGET[smsTemplate(ctx, purpose)] ?? 2;
  const title = e?.title ?? '';

  // Day, place and link are never cut: the title is shortened first, then the address dropped.
  const places = e ? [[e.venue.address, commune].filter(Boolean).join(', '), commune] : [''];
  const confirm = (lead: string) =>
    firstFitting(
      byTitleThenPlace(
        title,
        places,
        (t, place) => `Maillage : ${lead}${t ? ` "${t}"` : ''}, ${when}, ${place}. ${absent}`,
      ),
      1,
    );
  if (purpose === 'reminder' && e) return confirm('rappel');
  if (purpose === 'decision') {
    if (r.status === 'accepted' && e) return confirm('place confirmée');
    if (r.status === 'accepted')
      return toGsm7(
        `Maillage : votre demande est acceptée. Un conseiller vous appelle pour fixer un premier rendez-vous. Dossier ${r.reference}.`,
      );
    if (r.status === 'waitlisted')
      return withinBudget(
        (t) =>
          // Never « complète »: an advisor may put someone on the list while places are free.
          `Maillage : bonjour ${name}. Pour ${t ? `"${t}"` : 'la session'}${when ? ` du ${when}` : ''}, vous voilà sur la liste d'attente. Nous vous prévenons si une place se libère.${cancelLink ? ` Plus besoin de place ? ${cancelLink}` : ''} Dossier ${r.reference}.`,
        title,
        budget,
      );
    if (r.status === 'declined')
      // The reason is the advisor's words: shortened when long, the rest of the text never.
      return withinBudget(
        (why) =>
          `Maillage : bonjour ${name}. Nous ne pouvons pas donner suite à votre demande${why ? ` (${why})` : ''}. D'autres solutions existent : ${call}. Dossier ${r.reference}.`,
        r.decisionReason?.trim() ?? '',
        budget,
      );
    if (r.status === 'cancelled')
      return withinBudget(
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
  return toGsm7(`Maillage : nous avons bien votre demande (dossier ${r.reference}). ${next}`);
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
