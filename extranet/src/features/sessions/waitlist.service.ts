import { createHash } from 'node:crypto';
import { now as clockNow, parisDate, TIME_ZONE } from '@maillage/platform/clock';
import { formatDay } from '@maillage/platform/dates';
import type { Kysely, Transaction } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database, PlaceOfferTable } from '../../db/database.ts';
import { clearMemo } from '../../db/memo.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { getEvent, getEventForUpdate } from '../events/events.repository.ts';
import { sendMail } from '../mail/mail.service.ts';
import { loadContext, type NotifySettings } from '../notifications/context.ts';
import { offerCallText, offerToPerson } from '../notifications/messages/sessions.ts';
import { offerSms } from '../notifications/messages/sms.ts';
import { insertNotification } from '../notifications/notifications.repository.ts';
import { toOutbox } from '../notifications/notifications.service.ts';
import { createPersonLink, resolvePersonLink } from '../notifications/person-link.repository.ts';
import type { NotificationContext } from '../notifications/types.ts';
import { type DecisionInput, type DecisionResult, decideWithin } from '../registrations/decision.service.ts';
import { DecisionNotAllowedError, EventClosedError, EventFullError } from '../registrations/errors.ts';
import { queueSms } from '../sms/sms.service.ts';
import { halfDays } from './sessions.rules.ts';
import {
  closeOffer,
  findOffer,
  findOfferByCodeHash,
  insertOffer,
  insertWaitlistSetting,
  latestWaitlistSetting,
  nextWaiting,
  placesOf,
} from './waitlist.repository.ts';
import {
  DEFAULT_WAITLIST_SETTINGS,
  offerExpiry,
  offerLinkExpiry,
  offerState,
  offersToMake,
  type WaitlistSettings,
} from './waitlist.rules.ts';

/**
 * The waiting list's offers (issue 18 part 3). When a place frees (the person's « je ne peux pas
 * venir », an advisor's cancellation, the no-show rule), the oldest waitlisted person not yet offered
 * a place (or whose offers were all taken before they answered) gets it by their channel, with a
 * short link `/p/<code>` to accept within the delay; an expired or declined offer goes to the next
 * person, who keeps their own place in the list. Everything that changes the places runs under
 * the session's lock (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite): two instances never
 * offer the same place twice, and at most `maxOffers` offers are in flight per session.
 */
type Trx = Transaction<Database>;

/** Who the decisions are recorded as when no advisor made them. */
export const OFFER_ACTOR = 'lien-proposition-de-place';
export const NO_SHOW_ACTOR = 'regle-absence';
export const systemViewer = (id: string): Viewer => ({ id, role: 'admin', territories: [] });
export const NO_SHOW_REASON =
  'Absent·e sans excuse à la première demi-journée : la place est libérée (règle de la liste d’attente).';

export async function waitlistSettings(db: Kysely<Database>): Promise<WaitlistSettings> {
  const row = await latestWaitlistSetting(db);
  return row
    ? { offerHours: row.offer_hours, maxOffers: row.max_offers, noShowRule: row.no_show_rule === 1 }
    : DEFAULT_WAITLIST_SETTINGS;
}

/** An admin's new settings, kept with the previous ones, audited. */
export async function saveWaitlistSettings(
  db: Kysely<Database>,
  viewer: Viewer,
  settings: WaitlistSettings,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await waitlistSettings(trx);
    await insertWaitlistSetting(trx, { ...settings, by: viewer.id, at: clockNow().toISOString() });
    await audit(trx, {
      actorId: viewer.id,
      action: 'waitlist.setting',
      entityType: 'waitlist_setting',
      details: { before, after: settings },
    });
  });
}

/** "mardi 12 janvier 2027 à 18 h 30": an instant as a person reads it (Paris). */
function parisWhen(at: Date): { date: string; time: string; text: string } {
  const time = new Intl.DateTimeFormat('fr-FR', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const date = parisDate(at);
  const [h, m] = time.split(':');
  return { date, time, text: `${formatDay(date)} à ${Number(h)} h ${m === '00' ? '' : m}`.trimEnd() };
}

/**
 * Offers the free places of a session to the waiting list, in the caller's transaction (which holds
 * the session's lock). Returns how many offers were sent. A session cancelled, unpublished or over
 * offers nothing.
 */
export async function offerFreedPlaces(trx: Trx, eventId: string, notify: NotifySettings): Promise<number> {
  const event = await getEvent(trx, eventId);
  if (!event || event.cancelled || event.removed) return 0;
  const days = halfDays(event);
  const today = parisDate();
  const coming = days.find((d) => d.date >= today);
  if (!coming) return 0;
  const settings = await waitlistSettings(trx);
  const at = clockNow();
  const places = await placesOf(trx, eventId, at.toISOString());
  const n = offersToMake({ capacity: event.capacity, ...places, maxOffers: settings.maxOffers });
  if (n === 0) return 0;
  let sent = 0;
  for (const next of await nextWaiting(trx, eventId, n)) {
    const ctx = await loadContext(trx, next.id, notify);
    if (!ctx) continue;
    const expires = offerExpiry(at, settings.offerHours);
    const code = await createPersonLink(trx, {
      kind: 'place-offer',
      targetId: next.id,
      expiresAt: offerLinkExpiry(days.at(-1)?.date, expires),
    });
    const url = new URL(`/p/${code}`, notify.extranetUrl).toString();
    const until = parisWhen(expires);
    // The messages are keyed by this offer's code hash: a later offer to the same person is new.
    const hash = codeHash(code);
    const channel = await sendOffer(trx, ctx, {
      key: hash.slice(0, 32),
      registrationId: next.id,
      personId: next.person_id,
      url,
      until,
      date: coming.date,
    });
    const offerId = await insertOffer(trx, {
      registration_id: next.id,
      event_id: eventId,
      offered_at: at.toISOString(),
      expires_at: expires.toISOString(),
      channel,
      link_code_hash: hash,
    });
    await audit(trx, {
      actorId: null,
      action: 'place.offer',
      entityType: 'registration',
      entityId: next.id,
      personId: next.person_id,
      details: { offer: offerId, channel, expiresAt: expires.toISOString() },
    });
    sent++;
  }
  return sent;
}

/**
 * The offer by the person's channel: an e-mail, an SMS (one segment), both, else — no address,
 * STOP answered, or the person's choice — a call in « À appeler » with the words to say. Returns
 * the channel used.
 */
async function sendOffer(
  trx: Trx,
  ctx: NotificationContext,
  o: {
    /** names this offer in the messages' dedupe keys */
    key: string;
    registrationId: number;
    personId: number;
    url: string;
    until: ReturnType<typeof parisWhen>;
    date: string;
  },
): Promise<PlaceOfferTable['channel']> {
  const createdAt = clockNow().toISOString();
  const note = (channel: 'email' | 'sms' | 'appel', callText: string | null) =>
    insertNotification(trx, {
      registrationId: o.registrationId,
      purpose: 'offer',
      dedupeKey: `offer:${o.key}`,
      channel,
      callText,
      createdAt,
    });
  const preferred = ctx.person.preferredContact;
  const mail =
    preferred === 'email' || preferred === 'sms-email'
      ? offerToPerson(ctx, { url: o.url, until: o.until.text })
      : null;
  let sms = false;
  if (preferred === 'sms' || preferred === 'sms-email') {
    const queued = await queueSms(trx, {
      purpose: 'place-offer',
      dedupeKey: `place-offer:${o.key}`,
      personId: o.personId,
      registrationId: o.registrationId,
      to: ctx.person.phone,
      text: offerSms({
        date: o.date,
        place: ctx.registration.event?.venue.commune ?? '',
        until: o.until,
        url: o.url,
      }),
    });
    sms = queued !== 'opted-out';
  }
  if (mail) await sendMail(trx, toOutbox(mail, o.registrationId));
  if (sms || mail) {
    await note(sms ? 'sms' : 'email', null);
    return sms && mail ? 'sms-email' : sms ? 'sms' : 'email';
  }
  // No address, STOP answered, or the person's choice: an advisor calls, with the link to give.
  await note('appel', offerCallText(ctx, { url: o.url, until: o.until.text }));
  return 'appel';
}

/**
 * A decision (`decide`) and, when it freed a place, the offers to the waiting list, in one
 * transaction: the place is never freed without being offered.
 */
export async function decideAndOffer(
  db: Kysely<Database>,
  kind: DbKind,
  input: DecisionInput,
  notify: NotifySettings,
): Promise<DecisionResult & { offered: number }> {
  const result = await db.transaction().execute(async (trx) => {
    const decided = await decideWithin(trx, kind, input, notify);
    const offered = decided.freedEventId ? await offerFreedPlaces(trx, decided.freedEventId, notify) : 0;
    return { ...decided, offered };
  });
  clearMemo();
  return result;
}

/**
 * The offer's own copy of its code's hash (person_link keeps its own, salted): the offer row says
 * which link it was sent with, so a link of an older offer never answers a newer one.
 */
const codeHash = (code: string) => createHash('sha256').update(`place-offer:${code}`).digest('hex');

// --- The person's answer (`/p/<code>`) ------------------------------------------------------------

export type OfferAnswer = 'accepted' | 'declined' | 'taken' | 'expired' | 'already';

/** The offer a code opens, or null (forged, mistyped, too old: the page's 404). */
async function offerOfCode(db: Kysely<Database> | Trx, code: string) {
  const link = await resolvePersonLink(db, 'place-offer', code);
  if (!link.ok) return null;
  // The offer's own copy of the hash names the one offer this link was sent with.
  const offer = await findOfferByCodeHash(db, codeHash(code));
  return offer && offer.registration_id === link.targetId ? offer : null;
}

/** What the public page shows about an offer (no personal data: the session only). */
export async function offerOfLink(db: Kysely<Database>, code: string) {
  const offer = await offerOfCode(db, code);
  if (!offer) return null;
  return { ...offer, state: offerState(offer, clockNow().toISOString()) };
}

/**
 * « J'accepte la place »: if the offer is still open and the place still free, the registration is
 * accepted through the advisors' decision (capacity lock, audit, confirmation by the person's
 * channel); a place taken meanwhile closes the offer and the person stays on the waiting list.
 */
export async function acceptOffer(
  db: Kysely<Database>,
  kind: DbKind,
  code: string,
  notify: NotifySettings,
): Promise<OfferAnswer | null> {
  const found = await offerOfCode(db, code);
  if (!found) return null;
  const answer = await db
    .transaction()
    .execute(async (trx): Promise<OfferAnswer> => {
      const offer = await findOffer(trx, found.id);
      if (!offer) return 'expired';
      const now = clockNow().toISOString();
      const state = offerState(offer, now);
      if (state === 'accepted') return 'already';
      if (state !== 'open') return state;
      try {
        await decideWithin(
          trx,
          kind,
          { registrationId: offer.registration_id, decision: 'accept', viewer: systemViewer(OFFER_ACTOR) },
          notify,
        );
      } catch (error) {
        if (!(error instanceof EventFullError || error instanceof EventClosedError)) {
          if (error instanceof DecisionNotAllowedError) return 'expired';
          throw error;
        }
        // Nothing was written by the refused decision: close the offer, the person keeps waiting.
        await closeOffer(trx, offer.id, 'taken_at', now);
        await audit(trx, {
          actorId: OFFER_ACTOR,
          action: 'place.taken',
          entityType: 'registration',
          entityId: offer.registration_id,
          personId: offer.person_id,
          details: { offer: offer.id },
        });
        return 'taken';
      }
      // The expiry job closed it a moment ago: undo the acceptance with the transaction.
      if (!(await closeOffer(trx, offer.id, 'accepted_at', now))) throw new OfferClosedError();
      await audit(trx, {
        actorId: OFFER_ACTOR,
        action: 'place.accept',
        entityType: 'registration',
        entityId: offer.registration_id,
        personId: offer.person_id,
        details: { offer: offer.id },
      });
      return 'accepted';
    })
    .catch((error) => {
      if (error instanceof OfferClosedError) return 'expired' as const;
      throw error;
    });
  clearMemo();
  return answer;
}

class OfferClosedError extends Error {}

/** « Je ne peux pas »: the offer is closed, the person stays on the list, the next one is offered. */
export async function declineOffer(
  db: Kysely<Database>,
  kind: DbKind,
  code: string,
  notify: NotifySettings,
): Promise<OfferAnswer | null> {
  const found = await offerOfCode(db, code);
  if (!found) return null;
  return db.transaction().execute(async (trx): Promise<OfferAnswer> => {
    await getEventForUpdate(trx, kind, found.event_id);
    const now = clockNow().toISOString();
    const offer = await findOffer(trx, found.id);
    if (!offer) return 'expired';
    const state = offerState(offer, now);
    if (state === 'accepted') return 'already';
    if (state !== 'open' || !(await closeOffer(trx, offer.id, 'declined_at', now))) return 'expired';
    await audit(trx, {
      actorId: OFFER_ACTOR,
      action: 'place.decline',
      entityType: 'registration',
      entityId: offer.registration_id,
      personId: offer.person_id,
      details: { offer: offer.id },
    });
    await offerFreedPlaces(trx, offer.event_id, notify);
    return 'declined';
  });
}
