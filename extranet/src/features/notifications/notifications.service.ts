import * as clock from '@maillage/platform/clock';
import type { DbKind } from '../../db/connect.ts';
import { advisorRecipients } from '../accounts/accounts.repository.ts';
import { type MailMessage, sendCappedMail, sendMail } from '../mail/mail.service.ts';
import { smsOptedOut } from '../sms/sms.repository.ts';
import { queueSms } from '../sms/sms.service.ts';
import { cancelLinkExpiry } from './cancel-link.rules.ts';
import type { NotifySettings } from './context.ts';
import { toContext } from './context.ts';
import { callScript } from './messages/call-script.ts';
import { sortSlots } from './messages/common.ts';
import { decisionToPerson, decisionToPrescriber } from './messages/decision.ts';
import { newRequestToAdvisors, receiptToPerson, receiptToPrescriber } from './messages/receipt.ts';
import { smsText } from './messages/sms.ts';
import { type Db, findSubject, insertNotification } from './notifications.repository.ts';
import { createPersonLink } from './person-link.repository.ts';
import type { NotificationContext, NotificationPurpose, RenderedMail } from './types.ts';

/** A rendered message as an outbox entry. */
export function toOutbox(mail: RenderedMail, registrationId: number): MailMessage {
  return {
    kind: mail.template,
    to: mail.to,
    fromName: mail.from.name,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments,
    registrationId,
  };
}

export async function queue(db: Db, mail: RenderedMail | null, registrationId: number): Promise<void> {
  if (mail) await sendMail(db, toOutbox(mail, registrationId));
}

/** The short « je ne peux pas venir » link of an SMS (`/c/<code>`), valid until the session ends. */
async function shortCancelLink(
  db: Db,
  ctx: NotificationContext,
  registrationId: number,
): Promise<string | null> {
  const e = ctx.registration.event;
  if (!e || !['accepted', 'waitlisted'].includes(ctx.registration.status)) return null;
  const code = await createPersonLink(db, {
    kind: 'registration-cancel',
    targetId: registrationId,
    expiresAt: new Date(cancelLinkExpiry(sortSlots(e.slots).at(-1)?.date) * 1000),
  });
  return new URL(`/c/${code}`, ctx.links.extranetUrl).toString();
}

/**
 * Records that a person must be told something, on their channel. SMS people (`sms`, `sms-email`)
 * get an SMS through the SMS outbox (queueSms: sent by the provider, or waiting in « À appeler »
 * when there is none); call people a call task with the words to say; someone who answered STOP
 * a call instead of the SMS. Returns false when it was already recorded (same dedupe key): the
 * caller then sends nothing.
 */
export async function record(
  db: Db,
  ctx: NotificationContext,
  registrationId: number,
  purpose: NotificationPurpose,
  dedupeKey: string,
  needsCall: boolean,
): Promise<boolean> {
  const preferred = ctx.person.preferredContact;
  // Someone who asked to be called back is called, whatever channel they prefer for the rest.
  const callback = purpose === 'receipt' && needsCall;
  const bySms = !callback && (preferred === 'sms' || preferred === 'sms-email');
  const personId = ctx.person.id ?? null;
  const optedOut = bySms && personId !== null && (await smsOptedOut(db, personId));
  if (bySms && !optedOut) {
    const inserted = await insertNotification(db, {
      registrationId,
      purpose,
      dedupeKey,
      channel: 'sms',
      callText: null,
      createdAt: clock.now().toISOString(),
    });
    if (!inserted) return false;
    await queueSms(db, {
      purpose,
      dedupeKey: `${dedupeKey}:sms`,
      personId,
      registrationId,
      to: ctx.person.phone,
      text: smsText(ctx, purpose, await shortCancelLink(db, ctx, registrationId)),
    });
    return true;
  }
  // A receipt is no call of its own (but a call-back request is); STOP: the SMS becomes a call.
  const call = callback || (needsCall && preferred !== 'email');
  return insertNotification(db, {
    registrationId,
    purpose,
    dedupeKey,
    channel: call ? 'appel' : preferred === 'email' ? 'email' : 'sms',
    callText: call ? callScript(ctx, purpose) : null,
    createdAt: clock.now().toISOString(),
  });
}

/**
 * A new request: receipt to the person (if email) and to the professional who sent it, a note to
 * the territory's advisors (admins when outside our territories), and for a call-back request the
 * call to make in the advisors' "à appeler" list. Runs in the intake's transaction.
 */
export async function queueReceipt(
  trx: Db,
  kind: DbKind,
  registrationId: number,
  settings: NotifySettings,
): Promise<void> {
  const subject = await findSubject(trx, registrationId);
  if (!subject) return;
  const ctx = toContext(subject, settings);
  const key = `receipt:${registrationId}`;
  if (!(await record(trx, ctx, registrationId, 'receipt', key, subject.kind === 'callback'))) return;
  // Anyone can fill a public form with any address: receipts are capped per address and day.
  for (const receipt of [receiptToPerson(ctx), receiptToPrescriber(ctx)]) {
    if (receipt) await sendCappedMail(trx, kind, toOutbox(receipt, registrationId));
  }
  const link = new URL(`/demandes/${registrationId}`, settings.extranetUrl).toString();
  for (const advisor of await advisorRecipients(trx, kind, subject.territory)) {
    await queue(trx, newRequestToAdvisors(ctx, advisor, link), registrationId);
  }
}

/**
 * A decision (accepted, waiting list, declined, cancelled): to the person by email when they gave
 * one (the accepted message carries the .ics), to the professional, and when the person prefers a
 * call or an SMS, into the "à appeler" list with the words to say. Runs in the decision's transaction.
 */
export async function queueDecision(
  trx: Db,
  registrationId: number,
  settings: NotifySettings,
): Promise<void> {
  const subject = await findSubject(trx, registrationId);
  if (!subject || subject.status === 'received') return;
  const ctx = toContext(subject, settings);
  const key = `decision:${registrationId}:${subject.status}:${subject.decidedAt ?? ''}`;
  if (!(await record(trx, ctx, registrationId, 'decision', key, true))) return;
  await queue(trx, decisionToPerson(ctx), registrationId);
  await queue(trx, decisionToPrescriber(ctx), registrationId);
}
