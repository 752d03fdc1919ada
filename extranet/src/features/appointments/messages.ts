import { parisDate } from '@maillage/platform/clock';
import { formatDay, formatTime } from '@maillage/platform/dates';
import { formatPhone } from '@maillage/platform/phone';
import type { AppointmentMessageTable, PlaceKind } from '../../db/database.ts';
import { facts, link, mail, p } from '../notifications/messages/render.ts';
import type { RenderedMail, TeamIdentity } from '../notifications/types.ts';
import { PLACE_KIND_LABEL, parisClock } from './appointments.rules.ts';
import { appointmentCalendar } from './calendar.ts';

// The words sent about an appointment: to the person (e-mail or SMS) and to the advisor when the
// person cancels. Plain French, « vous »; the SMS in GSM-7 and one segment (160 characters).

export type PersonPurpose = Exclude<AppointmentMessageTable['purpose'], 'advisor-cancel'>;

/** What the messages need about one appointment (read by messages.service.ts). */
export interface AppointmentSubject {
  id: number;
  starts_at: string;
  duration_min: number;
  place_kind: PlaceKind;
  place_detail: string | null;
  status: string;
  sequence: number;
  firstName: string;
  email: string | null;
  advisorName: string;
  advisorEmail: string;
  team: TeamIdentity;
  mailFrom: string | null;
  /** the « je ne peux pas venir » link (none once cancelled) */
  cancelUrl: string | null;
  host: string;
}

const SUBJECT: Record<PersonPurpose, string> = {
  confirmation: 'Votre rendez-vous',
  change: 'Votre rendez-vous a changé',
  cancel: 'Votre rendez-vous est annulé',
  'reminder-2d': 'Rappel : votre rendez-vous',
  'reminder-day': 'Rappel : votre rendez-vous aujourd’hui',
};

const INTRO: Record<PersonPurpose, string> = {
  confirmation: 'Votre rendez-vous avec Maillage est fixé :',
  change: 'Votre rendez-vous avec Maillage a changé. Voici la nouvelle date :',
  cancel: 'Votre rendez-vous avec Maillage est annulé :',
  'reminder-2d': 'Petit rappel : vous avez rendez-vous avec Maillage dans deux jours.',
  'reminder-day': 'Petit rappel : vous avez rendez-vous avec Maillage aujourd’hui.',
};

function when(s: AppointmentSubject): string {
  return `${formatDay(parisDate(new Date(s.starts_at)))} à ${formatTime(parisClock(s.starts_at))}`;
}

function placeLine(s: AppointmentSubject): string {
  if (s.place_kind === 'telephone') return 'Par téléphone : nous vous appelons à l’heure dite.';
  return [PLACE_KIND_LABEL[s.place_kind], s.place_detail].filter(Boolean).join(' : ');
}

/** The e-mail to the person; the confirmation and the change carry the .ics (REQUEST), the cancellation its CANCEL. */
export function appointmentMail(
  s: AppointmentSubject,
  purpose: PersonPurpose,
  now: Date,
): RenderedMail | null {
  if (!s.email) return null;
  const ctx = { team: s.team, mailFrom: s.mailFrom };
  const cancelled = purpose === 'cancel';
  const attach = purpose === 'confirmation' || purpose === 'change' || cancelled;
  const phone = s.team.phone || s.team.associationPhone;
  return mail(
    ctx,
    'appointment',
    s.email,
    `${SUBJECT[purpose]} du ${when(s)}`,
    [
      p(`Bonjour ${s.firstName},`),
      p(INTRO[purpose]),
      facts([
        ['Date', when(s)],
        ['Durée', `${s.duration_min} minutes`],
        ['Lieu', placeLine(s)],
        ['Avec', s.advisorName],
      ]),
      ...(!cancelled && s.cancelUrl
        ? [link('Je ne peux pas venir : annuler ce rendez-vous', s.cancelUrl)]
        : []),
      p(
        cancelled
          ? `Pour fixer un autre rendez-vous, répondez à ce message${phone ? ` ou appelez le ${formatPhone(phone)}` : ''}.`
          : `Une question ? Répondez à ce message${phone ? ` ou appelez le ${formatPhone(phone)}` : ''}.`,
      ),
      p(`À bientôt,\n${s.team.name}`),
    ],
    attach
      ? [
          {
            filename: 'rendez-vous.ics',
            contentType: `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'REQUEST'}`,
            content: appointmentCalendar(
              [{ ...s, status: cancelled ? 'annule' : 'prevu', summary: 'Rendez-vous Maillage' }],
              {
                method: cancelled ? 'CANCEL' : 'REQUEST',
                host: s.host,
                now,
                organizer: { name: s.team.name, email: s.team.email || s.mailFrom || '' },
                attendee: { name: s.firstName, email: s.email },
              },
            ),
          },
        ]
      : [],
  );
}

const WEEKDAY = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** "lundi 07/12 à 14h30" in Paris time: only GSM-7 letters (no « août », no « û »). */
function smsWhen(startsAt: string): string {
  const day = parisDate(new Date(startsAt));
  const [, m, d] = day.split('-');
  const weekday = WEEKDAY[new Date(`${day}T12:00:00Z`).getUTCDay()];
  return `${weekday} ${d}/${m} à ${parisClock(startsAt).replace(':', 'h')}`;
}

const SMS_PLACE: Record<PlaceKind, string> = {
  bureau: 'au bureau Maillage',
  partenaire: 'chez le partenaire',
  telephone: 'par téléphone',
  visio: 'en visio',
};

const SMS_LEAD: Record<PersonPurpose, string> = {
  confirmation: 'RDV confirmé',
  change: 'RDV déplacé au',
  cancel: 'RDV annulé',
  'reminder-2d': 'Rappel RDV',
  'reminder-day': 'Rappel RDV',
};

const SMS_MAX = 160;

/**
 * The SMS to the person: GSM-7 only (no ’ « » ê ç: each would make it a costlier UCS-2 SMS) and one
 * segment, the longest place and link included (the link leaves 82 characters: EXTRANET_URL up to
 * 56, as the test checks).
 * The place's detail (address, link) only when it fits whole — a cut address or link would
 * mislead; the e-mail or the advisor gives it otherwise.
 */
export function appointmentSms(s: AppointmentSubject, purpose: PersonPurpose): string {
  // The morning's reminder says the time only: the day is today.
  const when =
    purpose === 'reminder-day'
      ? `aujourd'hui à ${parisClock(s.starts_at).replace(':', 'h')}`
      : smsWhen(s.starts_at);
  const lead = `Maillage: ${SMS_LEAD[purpose]} ${when}`;
  const place = SMS_PLACE[s.place_kind];
  if (purpose === 'cancel') {
    // An SMS from « Maillage » cannot be answered: the team's number, said as whose it is.
    const phone = s.team.phone || s.team.associationPhone;
    const call = phone ? ` Pour un autre RDV, appelez Maillage au ${formatPhone(phone)}.` : '';
    return `${lead}, ${place}.${call}`;
  }
  const url = s.cancelUrl;
  const withDetail = s.place_detail
    ? `${lead}, ${place}: ${s.place_detail}.${url ? ` Annuler: ${url}` : ''}`
    : '';
  if (withDetail && withDetail.length <= SMS_MAX) return withDetail;
  if (!url) return `${lead}, ${place}.`;
  // The detail does not fit whole (a cut address would mislead): the link's page gives the place.
  const viaLink = `${lead}, ${place}.${s.place_detail ? ' Adresse et annulation' : ' Annuler'}: ${url}`;
  return viaLink.length <= SMS_MAX ? viaLink : `${lead}, ${place}. Annuler: ${url}`;
}

/**
 * To the advisor: the person cancelled through their link. No name in it (the outbox keeps its
 * copy, and an e-mail to a colleague is not found by the person's erasure): the link says who.
 */
export function advisorCancelMail(s: AppointmentSubject, appointmentUrl: string): RenderedMail {
  return mail(
    { team: s.team, mailFrom: s.mailFrom },
    'appointment-advisor',
    s.advisorEmail,
    `Rendez-vous annulé par la personne : ${when(s)}`,
    [
      p(`Bonjour ${s.advisorName},`),
      p(
        `La personne attendue le ${when(s)} a annulé son rendez-vous par le lien de son message. Le créneau est libre.`,
      ),
      link('Voir le rendez-vous', appointmentUrl),
    ],
  );
}
