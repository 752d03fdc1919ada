import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { availabilityOne, parseSlots, parseVenue } from '../events/events.repository.ts';
import { type NotifySettings, requestContact } from '../notifications/notify.ts';
import {
  attachCandidates,
  attachRequest,
  confirmContact,
  contactDifferences,
  heldMessages,
  NothingToConfirmError,
  StaleContactError,
  UnknownPersonError,
} from './contact.service.ts';
import { allowedDecisions, decide, decisionForm } from './decision.service.ts';
import { NotFoundError } from './errors.ts';
import { getRegistrationDetail, markRead } from './inbox.repository.ts';
import { decisionRefusal } from './messages.ts';

/**
 * The request page (pages/demandes/[id].astro): its forms — confirm the contact details given with
 * the request onto the person, attach the request to another person, decide — and what it shows.
 */
const dbId = z.coerce.number().int().positive().max(2_147_483_647);
// The contact details given with the request: confirm them onto the person, or attach the
// request to another person (or a new one). See contact.service.ts.
const contactForm = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('contact-confirm'), person: dbId }),
    z.object({
      intent: z.literal('contact-attach'),
      person: dbId,
      target: z.union([z.literal('new'), dbId], {
        error: 'Choisissez la personne à qui rattacher la demande.',
      }),
    }),
  ],
  { error: 'Formulaire invalide.' },
);

export type RequestActionResult =
  | { done: string; propose?: number | null }
  | { missing: true }
  | { contactError: string; status: 400 | 409 }
  | { decisionError: string; status: 400 | 409 };

/** Applies the request page's form (fields as posted): contact intents, else a decision. */
export async function requestAction(
  db: Kysely<Database>,
  kind: DbKind,
  viewer: Viewer,
  registrationId: number,
  form: Record<string, string>,
  notify: NotifySettings,
): Promise<RequestActionResult> {
  if (form.intent === 'contact-confirm' || form.intent === 'contact-attach') {
    const parsed = contactForm.safeParse({
      intent: form.intent,
      person: form.person ?? '',
      target: form.target || undefined,
    });
    if (!parsed.success)
      return { contactError: parsed.error.issues[0]?.message ?? 'Formulaire invalide.', status: 400 };
    try {
      const input = { registrationId, viewer, expectedPersonId: parsed.data.person };
      if (parsed.data.intent === 'contact-confirm') await confirmContact(db, kind, input);
      else await attachRequest(db, kind, { ...input, target: parsed.data.target });
      return { done: parsed.data.intent };
    } catch (e) {
      if (e instanceof NotFoundError) return { missing: true };
      if (e instanceof StaleContactError || e instanceof NothingToConfirmError)
        return {
          contactError:
            'La fiche a changé entre-temps (quelqu’un d’autre l’a mise à jour ?). Vérifiez avant de continuer.',
          status: 409,
        };
      if (e instanceof UnknownPersonError)
        return { contactError: 'Choisissez une personne de la liste, ou une nouvelle fiche.', status: 400 };
      throw e;
    }
  }
  const parsed = decisionForm.safeParse({
    decision: form.decision ?? '',
    reason: form.reason ?? '',
    expected: form.expected || undefined,
  });
  if (!parsed.success)
    return { decisionError: parsed.error.issues[0]?.message ?? 'Formulaire invalide.', status: 400 };
  try {
    const result = await decide(
      db,
      kind,
      {
        registrationId,
        decision: parsed.data.decision,
        reason: parsed.data.reason,
        viewer,
        expectedStatus: parsed.data.expected,
      },
      notify,
    );
    return { done: parsed.data.decision, propose: result.proposeRegistrationId };
  } catch (e) {
    if (e instanceof NotFoundError) return { missing: true };
    const refusal = decisionRefusal(e);
    if (!refusal) throw e;
    return { decisionError: refusal.message, status: refusal.status };
  }
}

/**
 * Everything the request page shows, or undefined when the viewer may not see the request. Every
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
