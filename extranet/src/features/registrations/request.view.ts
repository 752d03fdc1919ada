import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseSlots, parseVenue } from '../events/events.rules.ts';
import { availabilityOne } from '../events/events.service.ts';
import { requestMessages } from '../notifications/delivery.view.ts';
import { requestContact } from '../notifications/notifications.repository.ts';
import { smsOptedOut } from '../sms/sms.repository.ts';
import { contactDifferences } from './contact.rules.ts';
import { attachCandidates } from './contact.service.ts';
import { allowedDecisions } from './decision.service.ts';
import { getRegistrationDetail, markRead } from './inbox.repository.ts';
import { heldMessages } from './registrations.repository.ts';

/**
 * Everything the request page (pages/demandes/[id].astro; its forms are actions/registrations.ts) shows, or undefined when the viewer may not see the request. Every
 * render shows the person's record, a refused decision's form included: each one is a read, and so
 * is the short line shown of each person the request could be attached to (audit log).
 */
export async function requestView(
  db: Kysely<Database>,
  viewer: Viewer,
  registrationId: number,
  options: { markRead: boolean },
) {
  const r = await getRegistrationDetail(db, viewer, registrationId);
  if (!r) return undefined;
  if (options.markRead) await markRead(db, viewer.id, r.id);
  const candidates = await attachCandidates(db, viewer, r.id);
  const held = await heldMessages(db, r.id);
  await audit(db, {
    actorId: viewer.id,
    action: 'registration.read',
    entityType: 'registration',
    entityId: r.id,
    personId: r.person_id,
    ...(candidates.length ? { details: { candidatesShown: candidates.map((c) => c.id) } } : {}),
  });
  return {
    r,
    differences: contactDifferences(r, r),
    candidates,
    held,
    sendTo: requestContact(r),
    availability: r.event_id ? await availabilityOne(db, r.event_id) : null,
    slots: r.event_slots_json ? parseSlots({ slots_json: r.event_slots_json }) : [],
    venue: r.event_venue_json ? parseVenue({ venue_json: r.event_venue_json }) : null,
    needs: [
      r.needs_transport && 'transport',
      r.needs_childcare && 'garde d’enfants',
      r.needs_accessibility && 'accessibilité',
    ].filter(Boolean),
    can: allowedDecisions(r),
    /** each message to the person and what became of it (SMS, e-mail, call) */
    messages: await requestMessages(db, r.id),
    /** the person answered STOP: no SMS, a call instead */
    smsStopped: await smsOptedOut(db, r.person_id),
  };
}
export type RequestView = NonNullable<Awaited<ReturnType<typeof requestView>>>;

const DONE: Record<string, string> = {
  accept: 'Inscription acceptée.',
  waitlist: 'Demande mise sur liste d’attente.',
  decline: 'Demande refusée.',
  cancel: 'Inscription annulée.',
  'contact-confirm': 'Fiche mise à jour avec les coordonnées données avec cette demande.',
  'contact-attach': 'Demande rattachée à la personne choisie.',
};
const DECISIONS = new Set(['accept', 'waitlist', 'decline', 'cancel']);

/**
 * What the page says after a form of it succeeded (`?fait=`), or null. After a decision, exactly
 * what happened on each channel: the messages this decision wrote (at or after `decidedAt`), in
 * the words of delivery.view.ts (« SMS programmé pour… », « E-mail en file d'envoi »…).
 */
export function doneMessage(
  done: string | null,
  view?: { messages: { status: string; createdAt: string }[]; decidedAt: string | null },
): string | null {
  const said = (done && DONE[done]) ?? null;
  if (!said || !done || !DECISIONS.has(done) || !view) return said;
  const lines = view.decidedAt ? view.messages.filter((m) => m.createdAt >= (view.decidedAt as string)) : [];
  if (!lines.length) return `${said} Aucun message n’est parti vers la personne.`;
  return `${said} ${lines.map((l) => l.status).join(' ; ')}.`;
}
