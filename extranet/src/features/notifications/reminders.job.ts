import * as clock from '@maillage/platform/clock';
import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import { sendMails } from '../mail/mail.service.ts';
import { queueSmsMany, type SmsToQueue } from '../sms/sms.service.ts';
import { cancelLinkExpiry } from './cancel-link.rules.ts';
import type { NotifySettings } from './context.ts';
import { toContext } from './context.ts';
import { sortSlots } from './messages/common.ts';
import { reminderCallText, reminderToPerson } from './messages/sessions.ts';
import { reminderSms } from './messages/sms.ts';
import {
  acceptedOn,
  findSubjects,
  insertNotifications,
  sessionsOnDates,
  turnIntoCall,
} from './notifications.repository.ts';
import { toOutbox } from './notifications.service.ts';
import { createPersonLink } from './person-link.repository.ts';
import { datesRemindedOn, remindersOpen } from './reminders.rules.ts';
import type { NotificationContext } from './types.ts';

/** Registrations per transaction: reads and writes by the batch, never one round trip a person. */
const BATCH = 500;

interface Due {
  registrationId: number;
  personId: number;
  date: string;
  key: string;
}

/**
 * The reminders of the day (reminders.rules.ts): to every accepted person, one message per date on
 * which they have half-days, by their channel — an e-mail (outbox), an SMS (one segment, with a
 * short « je ne peux pas venir » link), both, or a call in « À appeler ». Idempotent and safe on two
 * instances: each reminder is a notification row with the unique key `reminder:<registration>:<date>`,
 * inserted by the batch with ON CONFLICT DO NOTHING, and only the rows this run inserted are sent.
 * People accepted today are not reminded: their confirmation has just arrived.
 */
export async function queueDueReminders(
  db: Kysely<Database>,
  settings: NotifySettings,
  now = clock.now(),
): Promise<number> {
  const today = parisDate(now);
  const dates = datesRemindedOn(today);
  if (!dates.length || !remindersOpen(today, now)) return 0;
  const until = parisInstant(addDays(dates.at(-1) as string, 1)).toISOString();
  const since = parisInstant(addDays(today, -120)).toISOString();
  const sessions = await sessionsOnDates(db, since, until, dates);
  const datesOf = new Map(sessions.map((s) => [s.eventId, s.dates]));
  const { registrations, reminded } = await acceptedOn(db, [...datesOf.keys()]);
  const due: Due[] = [];
  for (const r of registrations) {
    if (r.decided_at && parisDate(new Date(r.decided_at)) >= today) continue;
    for (const date of datesOf.get(r.event_id ?? '') ?? []) {
      const key = `reminder:${r.id}:${date}`;
      if (!reminded.has(key)) due.push({ registrationId: r.id, personId: r.person_id, date, key });
    }
  }
  let queued = 0;
  for (let i = 0; i < due.length; i += BATCH)
    queued += await queueBatch(db, settings, due.slice(i, i + BATCH));
  return queued;
}

/** One batch in one transaction: contexts read at once, notifications and e-mails inserted at once. */
async function queueBatch(db: Kysely<Database>, settings: NotifySettings, batch: Due[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const subjects = await findSubjects(trx, [...new Set(batch.map((d) => d.registrationId))]);
    const contexts = new Map(subjects.map((s) => [s.id, toContext(s, settings)]));
    const createdAt = clock.now().toISOString();
    const plans = batch.flatMap((d) => {
      const ctx = contexts.get(d.registrationId);
      if (!ctx) return [];
      const preferred = ctx.person.preferredContact;
      const sms = preferred === 'sms' || preferred === 'sms-email';
      // E-mail people, and SMS-and-e-mail people, get the e-mail when they gave an address.
      const mail = preferred === 'email' || preferred === 'sms-email' ? reminderToPerson(ctx, d.date) : null;
      // No way to write to them (an e-mail person without an address): a call, as for those who chose one.
      const channel = sms ? 'sms' : mail ? 'email' : 'appel';
      return [{ ...d, ctx, mail, channel } as const];
    });
    const fresh = await insertNotifications(
      trx,
      plans.map((p) => ({
        registrationId: p.registrationId,
        purpose: 'reminder',
        dedupeKey: p.key,
        channel: p.channel,
        callText: p.channel === 'appel' ? reminderCallText(p.ctx, p.date) : null,
        createdAt,
      })),
    );
    // Only what this run inserted is sent: another run (or instance) queued the rest.
    const mine = plans.filter((p) => fresh.has(p.key));
    await sendMails(
      trx,
      mine.flatMap((p) => (p.mail ? [toOutbox(p.mail, p.registrationId)] : [])),
    );
    const bySms = mine.filter((p) => p.channel === 'sms');
    const sms: SmsToQueue[] = [];
    for (const p of bySms) sms.push(await reminderSmsOf(trx, p.ctx, p, settings));
    const answers = await queueSmsMany(trx, sms);
    // STOP answered: the SMS becomes a call to make.
    for (const [i, p] of bySms.entries())
      if (answers[i] === 'opted-out') await turnIntoCall(trx, p.key, reminderCallText(p.ctx, p.date));
    return mine.length;
  });
}

/** The SMS of one date, with its short « je ne peux pas venir » link (`/c/<code>`, as the other SMS). */
async function reminderSmsOf(
  trx: Parameters<typeof queueSmsMany>[0],
  ctx: NotificationContext,
  due: Due,
  settings: NotifySettings,
): Promise<SmsToQueue> {
  const e = ctx.registration.event;
  const slots = e ? sortSlots(e.slots) : [];
  const code = await createPersonLink(trx, {
    kind: 'registration-cancel',
    targetId: due.registrationId,
    expiresAt: new Date(cancelLinkExpiry(slots.at(-1)?.date) * 1000),
  });
  return {
    purpose: 'session-reminder',
    dedupeKey: `${due.key}:sms`,
    personId: due.personId,
    registrationId: due.registrationId,
    to: ctx.person.phone,
    text: reminderSms({
      date: due.date,
      today: parisDate(),
      starts: slots.filter((s) => s.date === due.date).map((s) => s.start),
      place: e?.venue.commune ?? '',
      url: new URL(`/c/${code}`, settings.extranetUrl).toString(),
    }),
  };
}

/** Runs the reminder job now and then every `intervalMs`, and keeps the team contacts fresh. */
export function startNotifications(
  db: Kysely<Database>,
  settings: NotifySettings,
  intervalMs = 15 * 60_000,
): { stop(): void } {
  // The team contacts at once (the first messages need them), the reminders a little later.
  void settings.teams.refresh();
  return startPeriodicJob(
    'rappels',
    async () => {
      await settings.teams.refresh();
      const n = await queueDueReminders(db, settings);
      if (n > 0) console.log(`[rappels] ${n} rappel(s) mis en file`);
    },
    { firstDelayMs: 5_000, intervalMs },
  );
}
