import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { applyNoShowRule, closeDueOffers } from './waitlist.service.ts';

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
      if (expired || freed)
        console.log(`[liste-attente] ${expired} proposition(s) expirée(s), ${freed} place(s) libérée(s)`);
    },
    { firstDelayMs: 9_000, intervalMs },
  );
}
