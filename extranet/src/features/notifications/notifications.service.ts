import * as clock from '@maillage/platform/clock';
import type { DbKind } from '../../db/connect.ts';
import { advisorRecipients } from '../accounts/accounts.repository.ts';
import { type MailMessage, sendCappedMail, sendMail } from '../mail/mail.service.ts';
import type { NotifySettings } from './context.ts';
import { toContext } from './context.ts';
import { callScript } from './messages/call-script.ts';
import { decisionToPerson, decisionToPrescriber } from './messages/decision.ts';
import { newRequestToAdvisors, receiptToPerson, receiptToPrescriber } from './messages/receipt.ts';
import { type Db, findSubject, insertNotification } from './notifications.repository.ts';
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

async function queue(db: Db, mail: RenderedMail | null, registrationId: number): Promise<void> {
  if (mail) await sendMail(db, toOutbox(mail, registrationId));
}

/**
 * Records that a person must be told something, on their channel, with the words to say when it is
 * a call or an SMS. Returns false when it was already recorded (same dedupe key): the caller then
 * sends nothing.
 */
async function record(
  db: Db,
  ctx: NotificationContext,
  registrationId: number,
  purpose: NotificationPurpose,
  dedupeKey: string,
  needsCall: boolean,
): Promise<boolean> {
  let channel = ctx.person.preferredContact;
  // Someone who asked to be called back is called, whatever channel they prefer for the rest.
  if (purpose === 'receipt' && needsCall && channel === 'email') channel = 'appel';
  const call = needsCall && channel !== 'email';
  return insertNotification(db, {
    registrationId,
    purpose,
    dedupeKey,
    channel,
    callText: call ? callScript(ctx, purpose, channel === 'sms') : null,
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
