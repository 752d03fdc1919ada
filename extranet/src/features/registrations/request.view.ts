import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseSlots, parseVenue } from '../events/events.rules.ts';
import { availabilityOne } from '../events/events.service.ts';
import { requestContact } from '../notifications/notifications.repository.ts';
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
  };
}
export type RequestView = NonNullable<Awaited<ReturnType<typeof requestView>>>;

const QUEUED =
  'Le message à la personne est préparé : un e-mail part tout seul ; un appel ou un SMS est à faire depuis « À appeler ».';

const DONE: Record<string, string> = {
  // The message to the person is queued, not yet received: an e-mail leaves by itself, a call or an
  // SMS waits for the advisor in « À appeler ».
  accept: `Inscription acceptée. ${QUEUED}`,
  waitlist: `Demande mise sur liste d’attente. ${QUEUED}`,
  decline: `Demande refusée. ${QUEUED} Le motif y est écrit.`,
  cancel: 'Inscription annulée.',
  'contact-confirm': 'Fiche mise à jour avec les coordonnées données avec cette demande.',
  'contact-attach': 'Demande rattachée à la personne choisie.',
};

/** What the page says after a form of it succeeded (`?fait=`), or null. */
export function doneMessage(done: string | null): string | null {
  return (done && DONE[done]) ?? null;
}
