import * as clock from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { clearMemo } from '../../db/memo.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { countAccepted, getEventForUpdate, upcomingEvents } from '../events/events.repository.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { queueDecision } from '../notifications/notifications.service.ts';
import { setLastContact } from '../persons/persons.repository.ts';
import {
  DecisionNotAllowedError,
  EventClosedError,
  EventFullError,
  isDecisionRefusal,
  NotFoundError,
  ReasonRequiredError,
  StaleDecisionError,
} from './errors.ts';
import {
  countByEventAndStatus,
  findEventAndTerritory,
  findForDecision,
  firstWaiting,
  setDecision,
} from './registrations.repository.ts';

const decision = z.enum(['accept', 'waitlist', 'decline', 'cancel'], {
  error: 'Choisissez une décision.',
});
export type Decision = z.infer<typeof decision>;

/** The request page's decision form: the decision, its reason, the status the advisor saw. */
export const decisionForm = z.object({
  decision,
  reason: z
    .string()
    .trim()
    .max(1000, { error: 'Le motif est trop long (1 000 caractères au plus).' })
    .optional(),
  expected: z.string().max(20).optional(),
});

/** The inbox's bulk accept: up to 100 requests ticked at once. */
export const bulkAcceptForm = z
  .array(z.coerce.number({ error: 'Demande inconnue.' }).int().positive().max(2_147_483_647), {
    error: 'Choisissez des demandes.',
  })
  .max(100, { error: 'Acceptez au plus 100 demandes à la fois.' });

const TARGET = {
  accept: 'accepted',
  waitlist: 'waitlisted',
  decline: 'declined',
  cancel: 'cancelled',
} as const;
const ALLOWED_FROM: Record<Decision, string[]> = {
  accept: ['received', 'waitlisted'],
  waitlist: ['received'],
  decline: ['received', 'waitlisted'],
  cancel: ['received', 'accepted', 'waitlisted'],
};

/**
 * The one rule of which decisions a request can take: from its status, and a waiting list only
 * for a session (a support or call-back request has no places to wait for). The service enforces
 * it; the request page asks it which choices to offer.
 */
export function allowedDecisions(registration: { status: string; kind: string }): Record<Decision, boolean> {
  const allowed = (d: Decision) =>
    ALLOWED_FROM[d].includes(registration.status) && (d !== 'waitlist' || registration.kind === 'event');
  return {
    accept: allowed('accept'),
    waitlist: allowed('waitlist'),
    decline: allowed('decline'),
    cancel: allowed('cancel'),
  };
}

export interface DecisionResult {
  status: string;
  /** when a place was freed: the first person on the waiting list, to propose to the advisor */
  proposeRegistrationId: number | null;
  /** the session whose place this decision freed (an accepted registration cancelled) */
  freedEventId: string | null;
}

/**
 * Applies an advisor's decision. Capacity is enforced inside the transaction: on PostgreSQL the
 * event row is locked (SELECT … FOR UPDATE), on SQLite the transaction starts with BEGIN IMMEDIATE;
 * so two advisors accepting the last place at once get exactly one acceptance.
 */
export async function decide(
  db: Kysely<Database>,
  kind: DbKind,
  input: DecisionInput,
  /** the app's notification settings (read once at start, lib/runtime.ts) */
  notify: NotifySettings,
): Promise<DecisionResult> {
  const result = await db.transaction().execute((trx) => decideWithin(trx, kind, input, notify));
  // The inbox banner of this instance shows the change at once.
  clearMemo();
  return result;
}

export interface DecisionInput {
  registrationId: number;
  decision: Decision;
  reason?: string | null | undefined;
  viewer: Viewer;
  expectedStatus?: string | undefined;
}

/**
 * `decide` inside the caller's transaction, for a caller that must do more in the same one (the
 * waiting list's offers: a freed place is offered in the transaction that freed it).
 */
export async function decideWithin(
  trx: Transaction<Database>,
  kind: DbKind,
  input: DecisionInput,
  notify: NotifySettings,
): Promise<DecisionResult> {
  const reason = input.reason?.trim() || null;
  if (input.decision === 'decline' && !reason) throw new ReasonRequiredError();
  const peek = await findEventAndTerritory(trx, input.registrationId);
  if (!peek || !canSeeTerritory(input.viewer, peek.territory)) throw new NotFoundError();
  const event = peek.event_id ? await getEventForUpdate(trx, kind, peek.event_id) : undefined;
  const reg = await findForDecision(trx, input.registrationId, kind);
  if (input.expectedStatus && reg.status !== input.expectedStatus) throw new StaleDecisionError(reg.status);
  if (!allowedDecisions(reg)[input.decision]) throw new DecisionNotAllowedError(reg.status);

  if (input.decision === 'accept' && event) {
    // No "your place is confirmed" (with its .ics) for a session that will not take place.
    if (event.cancelled || event.removed) throw new EventClosedError();
    const taken = (await countAccepted(trx, [event.document_id])).get(event.document_id) ?? 0;
    if (taken >= event.capacity) throw new EventFullError();
  }
  const now = clock.now().toISOString();
  const status = TARGET[input.decision];
  const decided = await setDecision(trx, {
    id: reg.id,
    from: reg.status,
    status,
    reason,
    by: input.viewer.id,
    at: now,
  });
  if (!decided) throw new StaleDecisionError(reg.status);
  await setLastContact(trx, reg.person_id, now);

  await audit(trx, {
    actorId: input.viewer.id,
    action: `registration.${input.decision}`,
    entityType: 'registration',
    entityId: reg.id,
    personId: reg.person_id,
    details: { from: reg.status, to: status },
  });
  // The person (channel of their choice) and the professional: queued in this transaction.
  await queueDecision(trx, reg.id, notify);

  let proposeRegistrationId: number | null = null;
  let freedEventId: string | null = null;
  if (event && reg.status === 'accepted' && status === 'cancelled') {
    freedEventId = event.document_id;
    const next = await firstWaiting(trx, event.document_id);
    proposeRegistrationId = next?.id ?? null;
  }
  return { status, proposeRegistrationId, freedEventId };
}

/**
 * Accepts each request in turn, as `decide` would one by one: a request that cannot be accepted
 * (session full or closed, request changed meanwhile, not the viewer's) is counted as refused and
 * the others go on; any other error stops the batch.
 */
export async function acceptMany(
  db: Kysely<Database>,
  kind: DbKind,
  viewer: Viewer,
  registrationIds: number[],
  notify: NotifySettings,
): Promise<{ accepted: number; refused: number }> {
  let accepted = 0;
  let refused = 0;
  for (const registrationId of registrationIds) {
    try {
      await decide(db, kind, { registrationId, decision: 'accept', viewer }, notify);
      accepted++;
    } catch (error) {
      if (!isDecisionRefusal(error)) throw error;
      refused++;
    }
  }
  return { accepted, refused };
}

/** First person waiting for each event that has a free place (for the inbox banner). */
export async function freedPlaces(db: Kysely<Database>, viewer: Viewer) {
  // Upcoming events the viewer can see, then one aggregate that reads only the (event_id, status)
  // index: this runs on every inbox view.
  if (viewer.role !== 'admin' && !viewer.territories.length) return [];
  const events = await upcomingEvents(db, {
    after: clock.now().toISOString(),
    territories: viewer.role === 'admin' ? null : viewer.territories,
  });
  if (!events.length) return [];
  const counts = await countByEventAndStatus(
    db,
    events.map((e) => e.document_id),
  );
  const count = (id: string, status: string) =>
    Number(counts.find((c) => c.event_id === id && c.status === status)?.n ?? 0);
  const out: { eventId: string; title: string; left: number; registrationId: number; reference: string }[] =
    [];
  for (const e of events) {
    const left = e.capacity - count(e.document_id, 'accepted');
    if (left <= 0 || count(e.document_id, 'waitlisted') === 0) continue;
    const first = await firstWaiting(db, e.document_id, viewer);
    if (first)
      out.push({
        eventId: e.document_id,
        title: e.title,
        left,
        registrationId: first.id,
        reference: first.reference,
      });
  }
  return out;
}
