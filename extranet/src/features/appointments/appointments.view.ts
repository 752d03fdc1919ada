import { now, parisDate } from '@maillage/platform/clock';
import { formatDay } from '@maillage/platform/dates';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { smsOf } from '../notifications/delivery.repository.ts';
import { smsStatus } from '../notifications/delivery.view.ts';
import { appointmentsOfPerson, messagesOfAppointment } from './appointments.repository.ts';
import { endOf, parisClock } from './appointments.rules.ts';
import { bookableAdvisors, readAppointment } from './appointments.service.ts';

const DAY_MS = 86_400_000;

/**
 * What a person's file or a support shows of appointments: those from a week ago on, and the
 * booking form's choices (admins pick the advisor among the territory's team).
 */
export async function appointmentsPanel(
  db: Kysely<Database>,
  viewer: Viewer,
  person: { id: number; territory: string | null },
  supportId?: number,
) {
  const from = new Date(now().getTime() - 7 * DAY_MS).toISOString();
  const [items, advisors] = await Promise.all([
    appointmentsOfPerson(db, person.id, { from, ...(supportId ? { supportId } : {}) }),
    viewer.role === 'admin' ? bookableAdvisors(db, person.territory) : Promise.resolve([]),
  ]);
  return { items, advisors };
}

const MESSAGE_PURPOSE: Record<string, string> = {
  confirmation: 'Confirmation',
  change: 'Changement',
  cancel: 'Annulation',
  'reminder-2d': 'Rappel 2 jours avant',
  'reminder-day': 'Rappel le matin',
};

/** A person who prefers a call: the calls owed wait in « À appeler » until one is recorded. */
function callSaid(m: { purpose: string; called_at: string | null }): string {
  if (m.called_at) return `appel noté le ${formatDay(parisDate(new Date(m.called_at)))}`;
  return ['reminder-2d', 'change', 'cancel'].includes(m.purpose)
    ? 'la personne préfère un appel : il attend dans « À appeler »'
    : 'la personne préfère un appel : prévenez-la vous-même';
}

/** The appointment's page: the appointment, its notes, what was told to the person and how. */
export async function appointmentPage(db: Kysely<Database>, viewer: Viewer, id: number) {
  const a = await readAppointment(db, viewer, id);
  const [messages, sms] = await Promise.all([
    messagesOfAppointment(db, a.id),
    smsOf(db, { appointmentId: a.id }),
  ]);
  // An SMS's state is read live (sent, delivered, cancelled when the person cancelled…).
  const smsByKey = new Map(sms.map((s) => [s.dedupe_key, s]));
  const started = Date.parse(a.starts_at) <= now().getTime();
  return {
    ...a,
    day: formatDay(parisDate(new Date(a.starts_at))),
    date: parisDate(new Date(a.starts_at)),
    from: parisClock(a.starts_at),
    until: parisClock(endOf(a)),
    started,
    /** change and cancel: only while it is ahead and not cancelled */
    changeable: !started && a.status === 'prevu',
    messages: messages.map((m) => ({
      ...m,
      label: MESSAGE_PURPOSE[m.purpose] ?? m.purpose,
      // The truth about each message: queued is not sent (the outbox sends e-mails within minutes).
      said: smsByKey.has(`appointment:${m.dedupe_key}`)
        ? smsStatus(smsByKey.get(`appointment:${m.dedupe_key}`) as (typeof sms)[number]).status
        : m.outcome === 'queued'
          ? m.channel === 'sms'
            ? 'SMS en file d’envoi'
            : 'e-mail en file d’envoi (il part de lui-même)'
          : m.outcome === 'manual'
            ? 'SMS à envoyer à la main : il attend dans « À appeler »'
            : m.outcome === 'opted-out'
              ? 'la personne a refusé les SMS (STOP) : prévenez-la autrement'
              : m.channel === 'appel'
                ? callSaid(m)
                : 'rien n’a pu être envoyé (pas d’adresse e-mail ou de numéro)',
    })),
  };
}
