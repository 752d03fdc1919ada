import { parisDate } from '@maillage/platform/clock';
import { formatSlot } from '@maillage/platform/dates';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { halfDays } from './sessions.rules.ts';
import type { OfferState } from './waitlist.rules.ts';
import { type OfferAnswer, offerOfLink } from './waitlist.service.ts';

/**
 * The public page of a waiting-list offer's short link (`/p/<code>`, pages/p/[code].astro), without
 * sign-in: the session's title, half-days to come and place — nothing about the person.
 */
export type OfferView =
  | { state: 'invalid' }
  | {
      state: OfferState | OfferAnswer;
      title: string;
      halfDays: string[];
      place: string;
      until: string;
    };

/**
 * What the link opens, from the stored offer — never from the address (`?reponse=` is anyone's to
 * type): accepted, declined, taken or expired is what the database says.
 */
export async function offerLinkView(db: Kysely<Database>, code: string): Promise<OfferView> {
  const offer = await offerOfLink(db, code);
  if (!offer) return { state: 'invalid' };
  const venue = JSON.parse(offer.venue_json || '{}') as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const today = parisDate();
  return {
    state: offer.state,
    title: offer.title,
    halfDays: halfDays(offer)
      .filter((d) => d.date >= today)
      .map((d) => formatSlot(d)),
    place: [str(venue.name), str(venue.address), `${str(venue.postcode)} ${str(venue.commune)}`.trim()]
      .filter(Boolean)
      .join(', '),
    until: offer.expires_at,
  };
}
