import { formatDay, formatTime } from '@maillage/platform/dates';
import { formatPhone } from '@maillage/platform/phone';
import type { NotificationContext, NotificationPurpose } from '../types.ts';
import { capitalize, eventLabel, nextStepsByKind, sortSlots } from './common.ts';

/**
 * The words an advisor reads on the phone to someone who prefers a call (or answered STOP to our
 * SMS): the same news as the email, short. The SMS texts are in sms.ts.
 */
export function callScript(ctx: NotificationContext, purpose: NotificationPurpose): string {
  const r = ctx.registration;
  const e = r.event;
  const first = e ? sortSlots(e.slots)[0] : undefined;
  const when = first ? `le ${formatDay(first.date)} à ${formatTime(first.start)}` : '';
  const where = e ? `${e.venue.name}, ${e.venue.address}, ${e.venue.commune}` : '';
  // The team's number, else the association's; with neither known yet, a sentence that still reads
  // (never "appelez-nous au répondez à ce message").
  const number = ctx.team.phone || ctx.team.associationPhone;
  const phone = number ? `appelez-nous au ${formatPhone(number)}` : 'répondez à ce message';
  const hello = `Bonjour ${ctx.person.firstName}, je suis conseiller·e chez Maillage.`;
  if (purpose === 'reminder' && e) {
    return `${hello} Rappel : « ${eventLabel(e)} » commence ${when}, ${where}. Empêchement ? ${capitalize(phone)}. Dossier ${r.reference}.`;
  }
  if (purpose === 'decision') {
    if (r.status === 'accepted' && e)
      return `${hello} Votre place est confirmée pour « ${eventLabel(e)} », ${when}, ${where}. Empêchement ? ${capitalize(phone)}. Dossier ${r.reference}.`;
    if (r.status === 'accepted')
      return `${hello} Votre demande est acceptée : nous fixons ensemble un premier rendez-vous. Dossier ${r.reference}.`;
    if (r.status === 'waitlisted')
      return `${hello} La session « ${e ? eventLabel(e) : ''} » est complète : vous êtes sur la liste d'attente. Nous vous prévenons si une place se libère. Dossier ${r.reference}.`;
    if (r.status === 'declined')
      return `${hello} Nous ne pouvons pas donner suite à votre demande${r.decisionReason ? ` (${r.decisionReason})` : ''}. D'autres solutions existent : ${phone}. Dossier ${r.reference}.`;
    if (r.status === 'cancelled')
      return `${hello} Votre inscription est annulée. Pour en parler, ${phone}. Dossier ${r.reference}.`;
  }
  return `${hello} Nous avons bien reçu votre demande (dossier ${r.reference}). ${nextStepsByKind[r.kind]}`;
}
