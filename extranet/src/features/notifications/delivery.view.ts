import * as clock from '@maillage/platform/clock';
import { TIME_ZONE } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { smsIsAutomatic } from '../sms/sms.service.ts';
import { CALL_PURPOSE, MESSAGE_ABOUT } from './calls.view.ts';
import { callsOf, emailsOf, listSmsPage, smsOf } from './delivery.repository.ts';

/**
 * What became of each message to a person, in words an advisor can repeat: « SMS envoyé le … »,
 * « SMS programmé pour lundi à 08:00 », « Délivré le … », « Non délivré (numéro invalide) : à
 * appeler », « E-mail en file d'envoi ». Never « prévenu·e » for a message only queued.
 */
export interface MessageLine {
  id: string;
  channel: 'SMS' | 'E-mail' | 'Appel';
  about: string;
  status: string;
  /** the line needs an advisor (to call, to send by hand) */
  todo: boolean;
  createdAt: string;
}

const DAY_TIME = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: '2-digit',
  minute: '2-digit',
});
/** « lundi 14 décembre à 08:00 » */
function when(iso: string): string {
  const parts = DAY_TIME.formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} à ${get('hour')}:${get('minute')}`;
}

const EMAIL_ABOUT: Record<string, string> = {
  receipt: 'Accusé de réception',
  decision: 'Réponse à la demande',
  reminder: 'Rappel de session',
};

type SmsRow = Omit<Awaited<ReturnType<typeof smsOf>>[number], 'dedupe_key'>;

/** One SMS's state, in words. */
export function smsStatus(s: SmsRow, now = clock.now()): { status: string; todo: boolean } {
  switch (s.status) {
    case 'queued': {
      if (s.last_error?.startsWith('Nouvel essai'))
        return {
          status: `SMS en attente : le fournisseur ne répond pas, nouvel essai ${when(s.not_before)}`,
          todo: false,
        };
      if (s.not_before > now.toISOString())
        return {
          status: `SMS programmé pour ${when(s.not_before)} (pas de SMS la nuit ni le dimanche${s.last_error ? ` ; ${s.last_error}` : ''})`,
          todo: false,
        };
      return { status: 'SMS en file d’envoi (part dans quelques secondes)', todo: false };
    }
    case 'sending':
      return { status: 'SMS en cours d’envoi', todo: false };
    case 'sent':
      return {
        status: `SMS envoyé le ${when(s.sent_at ?? s.created_at)} (accusé de réception pas encore reçu)`,
        todo: false,
      };
    case 'delivered':
      return { status: `SMS délivré le ${when(s.delivered_at ?? s.sent_at ?? s.created_at)}`, todo: false };
    case 'manual':
      return {
        status:
          s.last_error ?? (smsIsAutomatic() ? 'À envoyer à la main' : 'À appeler : pas de fournisseur SMS'),
        todo: true,
      };
    case 'done-by-hand':
      return { status: 'SMS envoyé à la main ou personne appelée (note « appel » au dossier)', todo: false };
    case 'cancelled':
      return { status: `SMS annulé${s.last_error ? ` (${s.last_error})` : ''}`, todo: false };
    default:
      return { status: `SMS non délivré${s.last_error ? ` (${s.last_error})` : ''}`, todo: true };
  }
}

const EMAIL_STATUS = {
  pending: 'E-mail en file d’envoi',
  sending: 'E-mail en cours d’envoi',
  held: 'E-mail retenu',
  failed: 'E-mail en échec',
} as const;

/** One e-mail to the person and what became of it. */
function emailLine(m: Awaited<ReturnType<typeof emailsOf>>[number]): MessageLine {
  return {
    id: `email-${m.id}`,
    channel: 'E-mail',
    about: EMAIL_ABOUT[m.kind] ?? m.kind,
    status:
      m.status === 'sent'
        ? `E-mail envoyé le ${when(m.sent_at ?? m.created_at)}`
        : `${EMAIL_STATUS[m.status]}${m.last_error && m.status !== 'pending' ? ` (${m.last_error})` : ''}`,
    todo: m.status === 'failed' || m.status === 'held',
    createdAt: m.created_at,
  };
}

/** The messages of one request: SMS, e-mails to the person, calls; newest first. */
export async function requestMessages(db: Kysely<Database>, registrationId: number): Promise<MessageLine[]> {
  const lines: MessageLine[] = [];
  for (const s of await smsOf(db, { registrationId }))
    lines.push({
      id: `sms-${s.id}`,
      channel: 'SMS',
      about: MESSAGE_ABOUT[s.purpose] ?? s.purpose,
      ...smsStatus(s),
      createdAt: s.created_at,
    });
  for (const m of await emailsOf(db, { registrationId })) lines.push(emailLine(m));
  for (const c of await callsOf(db, registrationId))
    lines.push({
      id: `appel-${c.id}`,
      channel: 'Appel',
      about: CALL_PURPOSE[c.purpose] ?? c.purpose,
      status:
        c.call_status === 'done'
          ? `Appel noté le ${when(c.handled_at ?? c.created_at)} (${c.outcome ?? ''})`
          : `À appeler${c.outcome ? ` (${c.outcome})` : ''}`,
      todo: c.call_status !== 'done',
      createdAt: c.created_at,
    });
  return lines.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The SMS to one person (their file), newest first. */
export async function personSms(db: Kysely<Database>, personId: number): Promise<MessageLine[]> {
  return (await smsOf(db, { personId })).map((s) => ({
    id: `sms-${s.id}`,
    channel: 'SMS',
    about: MESSAGE_ABOUT[s.purpose] ?? s.purpose,
    ...smsStatus(s),
    createdAt: s.created_at,
  }));
}

/** The e-mails to one person (their file), each with what became of it, newest first. */
export async function personEmails(db: Kysely<Database>, personId: number): Promise<MessageLine[]> {
  return (await emailsOf(db, { personId })).map(emailLine);
}

/**
 * The SMS page (`/sms`): each SMS as the person's phone shows it, its state and what it costs
 * (segments). Numbers and texts are personal data: the read is audited (how many, not whose).
 */
export async function smsListView(db: Kysely<Database>, viewer: Viewer, page: number) {
  const { rows, hasMore } = await listSmsPage(db, viewer, { page, pageSize: 50 });
  await audit(db, {
    actorId: viewer.id,
    action: 'sms.list',
    entityType: 'sms_message',
    details: { shown: rows.length, page },
  });
  return {
    hasMore,
    items: rows.map((r) => ({
      id: r.id,
      about: MESSAGE_ABOUT[r.purpose] ?? r.purpose,
      to: r.to_phone,
      text: r.text_body,
      segments: r.segments,
      reference: r.reference,
      registrationId: r.registration_id,
      appointmentId: r.appointment_id,
      personId: r.person_id,
      /** whose number it is */
      name: [r.first_name, r.last_name].filter(Boolean).join(' '),
      /** billed: the provider took it (a cancelled or manual one costs nothing) */
      billed: Boolean(r.sent_at),
      createdAt: r.created_at,
      ...smsStatus(r),
    })),
  };
}
