import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, PlaceOfferTable } from '../../db/database.ts';

/** The waiting list's queries: offers, their settings, the no-show rule's candidates. */
type Db = Kysely<Database> | Transaction<Database>;

/** The latest settings row, if an admin ever saved one. */
export async function latestWaitlistSetting(db: Db) {
  return db
    .selectFrom('waitlist_setting')
    .select(['offer_hours', 'max_offers', 'no_show_rule', 'changed_at'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertWaitlistSetting(
  db: Db,
  row: { offerHours: number; maxOffers: number; noShowRule: boolean; by: string; at: string },
): Promise<void> {
  await db
    .insertInto('waitlist_setting')
    .values({
      offer_hours: row.offerHours,
      max_offers: row.maxOffers,
      no_show_rule: row.noShowRule ? 1 : 0,
      changed_by: row.by,
      changed_at: row.at,
    })
    .execute();
}

/** A session's accepted count and its offers still open (neither answered, closed nor past). */
export async function placesOf(db: Db, eventId: string, now: string) {
  const [accepted, inFlight] = await Promise.all([
    db
      .selectFrom('registration')
      .select(sql<number>`count(*)`.as('n'))
      .where('event_id', '=', eventId)
      .where('status', '=', 'accepted')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('place_offer')
      .select(sql<number>`count(*)`.as('n'))
      .where('event_id', '=', eventId)
      .where('accepted_at', 'is', null)
      .where('declined_at', 'is', null)
      .where('expired_at', 'is', null)
      .where('taken_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow(),
  ]);
  return { accepted: Number(accepted.n), inFlight: Number(inFlight.n) };
}

/**
 * The oldest waitlisted registrations of a session never offered a place — or only places taken
 * before they could answer — in order of arrival.
 */
export async function nextWaiting(db: Db, eventId: string, limit: number) {
  return db
    .selectFrom('registration')
    .select(['registration.id', 'registration.person_id'])
    .where('registration.event_id', '=', eventId)
    .where('registration.status', '=', 'waitlisted')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('place_offer')
            .select(sql`1`.as('one'))
            .whereRef('place_offer.registration_id', '=', 'registration.id')
            .where('place_offer.taken_at', 'is', null),
        ),
      ),
    )
    .orderBy('registration.created_at')
    .orderBy('registration.id')
    .limit(limit)
    .execute();
}

export async function insertOffer(
  db: Db,
  offer: Omit<PlaceOfferTable, 'id' | 'accepted_at' | 'declined_at' | 'expired_at' | 'taken_at'>,
): Promise<number> {
  const row = await db
    .insertInto('place_offer')
    .values({ ...offer, accepted_at: null, declined_at: null, expired_at: null, taken_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One offer with its registration and session (what the public page and its answer need). */
export async function findOffer(db: Db, offerId: number) {
  return db
    .selectFrom('place_offer')
    .innerJoin('registration', 'registration.id', 'place_offer.registration_id')
    .innerJoin('event_copy', 'event_copy.document_id', 'place_offer.event_id')
    .select([
      'place_offer.id',
      'place_offer.registration_id',
      'place_offer.event_id',
      'place_offer.offered_at',
      'place_offer.expires_at',
      'place_offer.accepted_at',
      'place_offer.declined_at',
      'place_offer.expired_at',
      'place_offer.taken_at',
      'place_offer.link_code_hash',
      'registration.status',
      'registration.person_id',
      'event_copy.title',
      'event_copy.slots_json',
      'event_copy.venue_json',
      'event_copy.cancelled',
    ])
    .where('place_offer.id', '=', offerId)
    .executeTakeFirst();
}

/** The offer sent with this link (its code's hash, unique), with what findOffer gives. */
export async function findOfferByCodeHash(db: Db, hash: string) {
  const row = await db
    .selectFrom('place_offer')
    .select('id')
    .where('link_code_hash', '=', hash)
    .executeTakeFirst();
  return row ? findOffer(db, row.id) : undefined;
}

/**
 * Closes an open offer (accepted, declined or expired at `at`). False when it was not open any
 * more: someone (another tap, another instance, the expiry job) closed it first.
 */
export async function closeOffer(
  db: Db,
  offerId: number,
  column: 'accepted_at' | 'declined_at' | 'expired_at' | 'taken_at',
  at: string,
): Promise<boolean> {
  const done = await db
    .updateTable('place_offer')
    .set({ [column]: at })
    .where('id', '=', offerId)
    .where('accepted_at', 'is', null)
    .where('declined_at', 'is', null)
    .where('expired_at', 'is', null)
    .where('taken_at', 'is', null)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** Open offers past their deadline, or whose registration is no longer waiting (an advisor decided). */
export async function offersToClose(db: Db, now: string) {
  return db
    .selectFrom('place_offer')
    .innerJoin('registration', 'registration.id', 'place_offer.registration_id')
    .select([
      'place_offer.id',
      'place_offer.event_id',
      'place_offer.registration_id',
      'registration.person_id',
      'registration.status',
    ])
    .where('place_offer.accepted_at', 'is', null)
    .where('place_offer.declined_at', 'is', null)
    .where('place_offer.expired_at', 'is', null)
    .where('place_offer.taken_at', 'is', null)
    .where((eb) =>
      eb.or([eb('place_offer.expires_at', '<=', now), eb('registration.status', '!=', 'waitlisted')]),
    )
    .orderBy('place_offer.id')
    .limit(500)
    .execute();
}

/** Every offer of a session, for its roster. */
export async function offersOfEvent(db: Db, eventId: string) {
  return db
    .selectFrom('place_offer')
    .select([
      'id',
      'registration_id',
      'offered_at',
      'expires_at',
      'accepted_at',
      'declined_at',
      'expired_at',
      'taken_at',
      'channel',
    ])
    .where('event_id', '=', eventId)
    .orderBy('offered_at')
    .orderBy('id')
    .execute();
}

/**
 * Accepted registrations marked absent (not excused) at their session's first half-day, on sessions
 * whose first half-day is between `from` and `to` (the no-show rule's candidates).
 */
export async function firstDayAbsentees(db: Db, from: string, to: string) {
  return db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .innerJoin('attendance', 'attendance.registration_id', 'registration.id')
    .select([
      'registration.id',
      'registration.event_id',
      'event_copy.slots_json',
      'attendance.slot_date',
      'attendance.slot_start',
    ])
    .where('registration.status', '=', 'accepted')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.first_slot_at', '>=', from)
    .where('event_copy.first_slot_at', '<', to)
    .where('attendance.status', '=', 'absent')
    .execute();
}

/**
 * Sessions still running or to come (first half-day within the last 90 days, not cancelled nor
 * unpublished) with someone on their waiting list: the sweep offers them any place free. Old
 * sessions are left out so that the sweep's locks do not grow with the years.
 */
export async function sessionsWithWaitingList(db: Db, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select('registration.event_id')
    .distinct()
    .where('registration.status', '=', 'waitlisted')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.removed', '=', 0)
    .where('event_copy.first_slot_at', '>=', since)
    .execute();
  return rows.map((r) => r.event_id as string);
}
