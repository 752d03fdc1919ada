import { parisDate } from '@maillage/platform/clock';
import { formatSlot } from '@maillage/platform/dates';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { cancelUrl } from '../notifications/cancel-link.rules.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { resolvePersonLink } from '../notifications/person-link.repository.ts';
import { eventRegistration } from './sessions.repository.ts';
import { halfDays } from './sessions.rules.ts';
import type { OfferState } from './waitlist.rules.ts';
import { type OfferAnswer, offerOfLink } from './waitlist.service.ts';

/**
 * The public page of a short link (`/p/<code>`, pages/p/[code].astro), without sign-in: a freed
 * place offered (the session's title, half-days to come and place — nothing about the person), or
 * the « je ne peux pas venir » link of an SMS reminder, sent on to its signed page.
 */
export type OfferView =
  | { state: 'invalid' }
  | { state: 'redirect'; location: string }
  | {
      state: OfferState | OfferAnswer;
      title: string;
      halfDays: string[];
      place: string;
      until: string;
    };

/** What the link opens; `answer` is the form's outcome just posted (`?reponse=`), if any. */
export async function offerLinkView(
  db: Kysely<Database>,
  notify: NotifySettings,
  code: string,
  answer: string | null,
): Promise<OfferView> {
  const offer = await offerOfLink(db, code);
  if (!offer) return cancelLinkRedirect(db, notify, code);
  const venue = JSON.parse(offer.venue_json || '{}') as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const today = parisDate();
  const answers: readonly string[] = ['accepted', 'declined', 'taken', 'expired', 'already'];
  return {
    state: answer && answers.includes(answer) ? (answer as OfferAnswer) : offer.state,
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

/** An SMS reminder's short « je ne peux pas venir » link: on to the signed page of the e-mails. */
async function cancelLinkRedirect(
  db: Kysely<Database>,
  notify: NotifySettings,
  code: string,
): Promise<OfferView> {
  const link = await resolvePersonLink(db, 'registration-cancel', code);
  if (!link.ok || !notify.cancelSecret) return { state: 'invalid' };
  const row = await eventRegistration(db, link.targetId);
  if (!row) return { state: 'invalid' };
  const last = halfDays(row).at(-1)?.date;
  return { state: 'redirect', location: cancelUrl(notify.cancelSecret, notify.extranetUrl, row.id, last) };
}
