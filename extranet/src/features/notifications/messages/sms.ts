import { addDays } from '@maillage/platform/clock';
import { formatTime } from '@maillage/platform/dates';

/**
 * The SMS a person receives about a session: a reminder the day before, a freed place offered.
 * Each must fit ONE segment (160 GSM-7 characters, design §9): the link is never cut, the place's
 * name is shortened (then left out) when the rest needs the room. Only GSM-7 letters in the
 * fixed words (é è à but no ê, no « », no ’); names from the CMS go through toGsm7.
 */
const SEGMENT = 160;

/** "12/01" for "2027-01-12". */
const dayMonth = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}`;

/** "9h" or "9h30". */
const hour = (time: string) => formatTime(time).replace(/\s/g, '');

/** `head` + optional `place` (shortened to fit) + `tail`, in at most one segment. */
function fit(head: string, place: string, tail: string): string {
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
  return fit(head, input.place, `. Si vous ne venez pas : ${input.url}`);
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
  return fit(head, input.place, tail);
}
