import * as clock from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { AppointmentMessageTable, Database } from '../../db/database.ts';
import { type MailMessage, sendMails } from '../mail/mail.service.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { createPersonLinks } from '../notifications/person-link.repository.ts';
import type { RenderedMail } from '../notifications/types.ts';
import { queueSmsMany, type SmsQueued, type SmsToQueue } from '../sms/sms.service.ts';
import {
  claimMessages,
  messageSubjects,
  setMessageOutcome,
  upcomingAppointments,
} from './appointments.repository.ts';
import { dueReminders } from './appointments.rules.ts';
import { type AppointmentSubject, appointmentMail, appointmentSms, type PersonPurpose } from './messages.ts';

type Db = Kysely<Database> | Transaction<Database>;
type SubjectRow = Awaited<ReturnType<typeof messageSubjects>>[number];
type Outcome = AppointmentMessageTable['outcome'];

const asOutbox = (m: RenderedMail): MailMessage => ({
  kind: m.template,
  to: m.to,
  fromName: m.from.name,
  replyTo: m.replyTo,
  subject: m.subject,
  text: m.text,
  html: m.html,
  attachments: m.attachments,
});

function subjectOf(row: SubjectRow, settings: NotifySettings, cancelCode: string | null): AppointmentSubject {
  const base = settings.extranetUrl.replace(/\/$/, '');
  return {
    ...row,
    firstName: row.first_name,
    advisorName: row.advisor_name ?? 'votre conseillère ou conseiller',
    advisorEmail: row.advisor_email ?? '',
    team: settings.teams.team(row.territory, row.territory_name),
    mailFrom: settings.mailFrom ? (/<([^>]+)>/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom) : null,
    cancelUrl: cancelCode ? `${base}/a/${cancelCode}` : null,
    host: new URL(base).host,
  };
}

/** How a person is reached: their channel(s) — « SMS et e-mail » gets both. */
function channelsOf(row: SubjectRow): AppointmentMessageTable['channel'][] {
  switch (row.preferred_contact) {
    case 'sms':
      return ['sms'];
    case 'email':
      return ['email'];
    case 'sms-email':
      return ['sms', 'email'];
    default:
      return ['appel'];
  }
}

const SMS_PURPOSE = {
  confirmation: 'appointment-confirmation',
  change: 'appointment-change',
  cancel: 'appointment-cancellation',
  'reminder-2d': 'appointment-reminder',
  'reminder-day': 'appointment-reminder',
} as const;

interface Owed {
  row: SubjectRow;
  purpose: PersonPurpose;
  key: string;
}

/**
 * Sends the owed messages that this call claims: each claim is a row of appointment_message,
 * unique by key (claimMessages), inserted in the caller's transaction with the messages
 * themselves — so a message is queued exactly once, even when two instances try at the same
 * time (the second one's insert waits for the first's transaction, then finds the key taken).
 * The « je ne peux pas venir » links are created in one statement, the e-mails inserted in batches.
 */
async function deliver(trx: Db, settings: NotifySettings, owed: Owed[]): Promise<Map<string, Outcome>> {
  const now = clock.now();
  const at = now.toISOString();
  const plan = owed.flatMap((o) => channelsOf(o.row).map((channel, i) => ({ ...o, channel, i })));
  const planned = plan.map(({ i, ...o }) => {
    const channel = o.channel;
    // The second channel of « SMS et e-mail » has its own key: each is sent once.
    const key = i === 0 ? o.key : `${o.key}:${channel}`;
    let outcome: Outcome = 'none';
    if (o.row.erased_at) outcome = 'none';
    else if (channel === 'email' && o.row.email) outcome = 'queued';
    // Settled once queueSms has answered (queued, manual or opted-out).
    else if (channel === 'sms' && o.row.phone) outcome = 'manual';
    return { ...o, key, channel, outcome };
  });
  const claimed = new Set(
    await claimMessages(
      trx,
      planned.map((o) => ({
        appointment_id: o.row.id,
        purpose: o.purpose,
        dedupe_key: o.key,
        channel: o.channel,
        outcome: o.outcome,
        created_at: at,
      })),
    ),
  );
  const toSend = planned.filter((o) => claimed.has(o.key) && o.outcome !== 'none');
  const withLink = toSend.filter((o) => o.purpose !== 'cancel');
  const codes = await createPersonLinks(
    trx,
    withLink.map((o) => ({ kind: 'appointment-cancel', targetId: o.row.id, expiresAt: o.row.starts_at })),
  );
  const codeOf = new Map(withLink.map((o, i) => [o.key, codes[i] as string]));
  const mails: MailMessage[] = [];
  const sms: { key: string; outcome: Outcome; message: SmsToQueue }[] = [];
  for (const o of toSend) {
    const subject = subjectOf(o.row, settings, codeOf.get(o.key) ?? null);
    if (o.channel === 'email') {
      const m = appointmentMail(subject, o.purpose, now);
      if (m) mails.push(asOutbox(m));
    } else
      sms.push({
        key: o.key,
        outcome: o.outcome,
        message: {
          purpose: SMS_PURPOSE[o.purpose],
          dedupeKey: `appointment:${o.key}`,
          personId: o.row.person_id,
          appointmentId: o.row.id,
          to: o.row.phone,
          text: appointmentSms(subject, o.purpose),
        },
      });
  }
  await sendMails(trx, mails);
  // What the SMS queue said (a provider: queued; none: waits in « À appeler »; STOP: nothing).
  const answers = await queueSmsMany(
    trx,
    sms.map((m) => m.message),
  );
  const changed = new Map<Outcome, string[]>();
  sms.forEach((m, i) => {
    const answer = answers[i] as SmsQueued;
    const outcome: Outcome = answer === 'duplicate' ? 'queued' : answer;
    if (outcome !== m.outcome) changed.set(outcome, [...(changed.get(outcome) ?? []), m.key]);
  });
  for (const [outcome, keys] of changed) await setMessageOutcome(trx, keys, outcome);
  return new Map(planned.filter((o) => claimed.has(o.key)).map((o) => [o.key, o.outcome]));
}

/**
 * A message owed to the person about one appointment (booked, changed, cancelled), in the
 * caller's transaction. The key holds the appointment's SEQUENCE: each change is told once.
 */
export async function oweMessage(
  trx: Db,
  settings: NotifySettings,
  appointmentId: number,
  purpose: 'confirmation' | 'change' | 'cancel',
): Promise<void> {
  const [row] = await messageSubjects(trx, [appointmentId]);
  if (!row) return;
  await deliver(trx, settings, [{ row, purpose, key: `${purpose}:${row.id}:${row.sequence}` }]);
}

/** How far ahead the job looks: the two-day reminder may move to the Saturday before (3 days). */
const LOOKAHEAD_MS = 4 * 86_400_000;
const BATCH = 1000;

/**
 * The reminders due now (2 days before at 09:00, the morning of at 08:00, Paris time): candidates
 * in one indexed query, the due ones chosen in memory, then claimed and queued a batch at a time,
 * each batch in one transaction. Idempotent by key (`reminder-2d:<id>:<start>`): running twice, or
 * on two instances, queues each reminder once; a moved appointment is reminded of its new time.
 */
export async function queueAppointmentReminders(
  db: Kysely<Database>,
  settings: NotifySettings,
  now = clock.now(),
): Promise<number> {
  const candidates = await upcomingAppointments(
    db,
    now.toISOString(),
    new Date(now.getTime() + LOOKAHEAD_MS).toISOString(),
  );
  const due = candidates.flatMap((a) =>
    dueReminders(a, now).map((purpose) => ({ id: a.id, purpose, key: `${purpose}:${a.id}:${a.starts_at}` })),
  );
  let queued = 0;
  for (let i = 0; i < due.length; i += BATCH) {
    const batch = due.slice(i, i + BATCH);
    queued += await db.transaction().execute(async (trx) => {
      const rows = new Map(
        (
          await messageSubjects(
            trx,
            batch.map((d) => d.id),
          )
        ).map((r) => [r.id, r]),
      );
      const owed = batch.flatMap((d) => {
        const row = rows.get(d.id);
        return row && row.status === 'prevu' ? [{ row, purpose: d.purpose, key: d.key }] : [];
      });
      return (await deliver(trx, settings, owed)).size;
    });
  }
  return queued;
}
