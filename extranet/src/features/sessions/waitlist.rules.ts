import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { z } from 'zod';

/**
 * The waiting list's pure rules: the admin's settings, how many offers a session may send now, and
 * when the no-show rule applies.
 */

export interface WaitlistSettings {
  /** how long a person has to accept an offered place */
  offerHours: number;
  /** at most this many offers in flight per session */
  maxOffers: number;
  /** absent without excuse at the first half-day → the place is freed that evening */
  noShowRule: boolean;
}

export const DEFAULT_WAITLIST_SETTINGS: WaitlistSettings = {
  offerHours: 48,
  maxOffers: 2,
  noShowRule: false,
};

/** The admin's form (`/admin/reglages`). */
export const waitlistSettingsForm = z.object({
  offerHours: z.coerce
    .number({ error: 'Indiquez un nombre d’heures.' })
    .int({ error: 'Indiquez un nombre d’heures entier.' })
    .min(2, { error: 'Laissez au moins 2 heures pour répondre.' })
    .max(336, { error: 'Au plus 336 heures (14 jours).' }),
  maxOffers: z.coerce
    .number({ error: 'Indiquez un nombre de propositions.' })
    .int({ error: 'Indiquez un nombre entier.' })
    .min(1, { error: 'Au moins 1 proposition à la fois.' })
    .max(10, { error: 'Au plus 10 propositions à la fois.' }),
  // A checkbox: present when ticked, absent otherwise.
  noShowRule: z.literal('1').optional(),
});

/**
 * How many new offers a session may send: one per free place not already offered, and never more
 * than `maxOffers` in flight at once.
 */
export function offersToMake(input: {
  capacity: number;
  accepted: number;
  inFlight: number;
  maxOffers: number;
}): number {
  const unoffered = input.capacity - input.accepted - input.inFlight;
  return Math.max(0, Math.min(unoffered, input.maxOffers - input.inFlight));
}

/** The hour (Paris) from which the no-show rule frees the places of the day's absentees. */
const NO_SHOW_HOUR = '20:00';

/**
 * True when the no-show rule may apply now to a session whose first half-day is `firstDate`: from
 * 20:00 (Paris) that day, while the session still has half-days to come (a place freed afterwards
 * helps no one).
 */
export function noShowDue(firstDate: string, lastDate: string, at: Date): boolean {
  return at >= parisInstant(firstDate, NO_SHOW_HOUR) && parisDate(at) < lastDate;
}

/** When an offer made `at` expires, `hours` later. */
export function offerExpiry(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * 3_600_000);
}

/** How long the offer's link stays readable: a week after the session's last day (then 404). */
export function offerLinkExpiry(lastDate: string | undefined, expires: Date): string {
  const end = lastDate ? parisInstant(addDays(lastDate, 8)) : new Date(expires.getTime() + 7 * 86_400_000);
  return (end > expires ? end : expires).toISOString();
}

export type OfferState = 'open' | 'accepted' | 'declined' | 'expired' | 'taken';

/** An offer's state, by its dates and the clock. */
export function offerState(
  offer: {
    accepted_at: string | null;
    declined_at: string | null;
    expired_at: string | null;
    taken_at: string | null;
    expires_at: string;
  },
  now: string,
): OfferState {
  if (offer.accepted_at) return 'accepted';
  if (offer.declined_at) return 'declined';
  if (offer.taken_at) return 'taken';
  if (offer.expired_at || offer.expires_at <= now) return 'expired';
  return 'open';
}

export const OFFER_STATE_LABEL: Record<OfferState, string> = {
  open: 'en attente de réponse',
  accepted: 'acceptée',
  declined: 'refusée',
  expired: 'expirée',
  taken: 'place prise avant sa réponse',
};
