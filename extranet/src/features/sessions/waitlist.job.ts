import { now as clockNow } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { clearMemo } from '../../db/memo.ts';
import { audit } from '../audit/audit.repository.ts';
import { getEventForUpdate } from '../events/events.repository.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { isDecisionRefusal } from '../registrations/errors.ts';
import { halfDays } from './sessions.rules.ts';
import {
  closeOffer,
  firstDayAbsentees,
  offersToClose,
  sessionsWithWaitingList,
} from './waitlist.repository.ts';
import { noShowDue } from './waitlist.rules.ts';
import {
  decideAndOffer,
  NO_SHOW_ACTOR,
  NO_SHOW_REASON,
  offerFreedPlaces,
  systemViewer,
  waitlistSettings,
} from './waitlist.service.ts';

/**
 * Closes the offers past their deadline (expired: the next person is offered the place) and those an
 * advisor settled meanwhile (the request accepted or cancelled from its page). Safe on two
 * instances: each offer is closed by one conditional UPDATE, under the session's lock.
 */
export async function closeDueOffers(
  db: Kysely<Database>,
  kind: DbKind,
  notify: NotifySettings,
): Promise<number> {
  let expired = 0;
  for (const o of await offersToClose(db, clockNow().toISOString())) {
    const closed = await db.transaction().execute(async (trx) => {
      await getEventForUpdate(trx, kind, o.event_id);
      const now = clockNow().toISOString();
      const column =
        o.status === 'accepted' ? 'accepted_at' : o.status === 'waitlisted' ? 'expired_at' : 'declined_at';
      if (!(await closeOffer(trx, o.id, column, now))) return false;
      if (column === 'expired_at')
        await audit(trx, {
          actorId: null,
          action: 'place.expire',
          entityType: 'registration',
          entityId: o.registration_id,
          personId: o.person_id,
          details: { offer: o.id },
        });
      await offerFreedPlaces(trx, o.event_id, notify);
      return column === 'expired_at';
    });
    if (closed) expired++;
  }
  if (expired) clearMemo();
  return expired;
}

/**
 * The no-show rule (off unless an admin turned it on): a person marked absent — not excused — at
 * their session's first half-day loses their place from 20:00 that evening; the place is offered.
 */
export async function applyNoShowRule(
  db: Kysely<Database>,
  kind: DbKind,
  notify: NotifySettings,
  at: Date = clockNow(),
): Promise<number> {
  if (!(await waitlistSettings(db)).noShowRule) return 0;
  const from = new Date(at.getTime() - 90 * 86_400_000).toISOString();
  let freed = 0;
  for (const r of await firstDayAbsentees(db, from, at.toISOString())) {
    const days = halfDays(r);
    const first = days[0];
    const last = days.at(-1);
    if (!first || !last || r.slot_date !== first.date || r.slot_start.slice(0, 5) !== first.start) continue;
    if (!noShowDue(first.date, last.date, at)) continue;
    try {
      await decideAndOffer(
        db,
        kind,
        {
          registrationId: r.id,
          decision: 'cancel',
          reason: NO_SHOW_REASON,
          viewer: systemViewer(NO_SHOW_ACTOR),
          expectedStatus: 'accepted',
        },
        notify,
      );
      freed++;
    } catch (error) {
      // An advisor changed the registration meanwhile, or another instance applied the rule.
      if (!isDecisionRefusal(error)) throw error;
    }
  }
  return freed;
}

/**
 * Nobody waits while places are free: every session with a waiting list and a place free (an
 * advisor put someone on the list, a place was added in the CMS, a cancellation not seen by an
 * offer) offers it — within the limit of offers in flight, under the session's lock, so two
 * instances offer it once.
 */
export async function offerFreePlaces(
  db: Kysely<Database>,
  kind: DbKind,
  notify: NotifySettings,
): Promise<number> {
  let offered = 0;
  const since = new Date(clockNow().getTime() - 90 * 86_400_000).toISOString();
  for (const eventId of await sessionsWithWaitingList(db, since)) {
    offered += await db.transaction().execute(async (trx) => {
      await getEventForUpdate(trx, kind, eventId);
      return offerFreedPlaces(trx, eventId, notify);
    });
  }
  if (offered) clearMemo();
  return offered;
}

/**
 * Every few minutes: expired offers closed (the next person offered), then the no-show rule. Every
 * instance may run it: each change is a conditional UPDATE under the session's lock.
 */
export function startWaitlistJob(
  db: Kysely<Database>,
  kind: DbKind,
  notify: NotifySettings,
  intervalMs = 5 * 60_000,
): { stop(): void } {
  return startPeriodicJob(
    'liste-attente',
    async () => {
      const expired = await closeDueOffers(db, kind, notify);
      const freed = await applyNoShowRule(db, kind, notify);
      const offered = await offerFreePlaces(db, kind, notify);
      if (expired || freed || offered)
        console.log(
          `[liste-attente] ${expired} proposition(s) expirée(s), ${freed} place(s) libérée(s), ${offered} place(s) libre(s) proposée(s)`,
        );
    },
    { firstDelayMs: 9_000, intervalMs },
  );
}
