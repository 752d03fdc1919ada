import * as clock from '@maillage/platform/clock';
import { addDays, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import type { NotifySettings } from './context.ts';
import { loadContext } from './context.ts';
import { sortSlots } from './messages/common.ts';
import { reminderToPerson } from './messages/sessions.ts';
import { reminderCandidates } from './notifications.repository.ts';
import { queue, record } from './notifications.service.ts';

/**
 * The reminder two days before the first half-day, to every accepted person. Idempotent: the
 * notification's unique key means a reminder is queued once, however often and on however many
 * instances this runs. If the job could not run on the day, it catches up the day before. People
 * accepted within those last two days are not reminded: their confirmation has just arrived.
 */
export async function queueDueReminders(
  db: Kysely<Database>,
  settings: NotifySettings,
  now = clock.now(),
): Promise<number> {
  const today = parisDate(now);
  const dueDays = new Set([addDays(today, 1), addDays(today, 2)]);
  const horizon = new Date(now.getTime() + 4 * 86_400_000).toISOString();
  let queued = 0;
  for (const c of await reminderCandidates(db, now.toISOString(), horizon)) {
    const first = sortSlots(c.slots)[0];
    if (!first || !dueDays.has(first.date)) continue;
    if (c.decidedAt && parisDate(new Date(c.decidedAt)) >= addDays(first.date, -2)) continue;
    const done = await db.transaction().execute(async (trx) => {
      const ctx = await loadContext(trx, c.id, settings);
      if (!ctx) return false;
      if (!(await record(trx, ctx, c.id, 'reminder', `reminder:${c.id}`, true))) return false;
      await queue(trx, reminderToPerson(ctx), c.id);
      return true;
    });
    if (done) queued++;
  }
  return queued;
}

/** Runs the reminder job now and then every `intervalMs`, and keeps the team contacts fresh. */
export function startNotifications(
  db: Kysely<Database>,
  settings: NotifySettings,
  intervalMs = 15 * 60_000,
): { stop(): void } {
  // The team contacts at once (the first messages need them), the reminders a little later.
  void settings.teams.refresh();
  return startPeriodicJob(
    'rappels',
    async () => {
      await settings.teams.refresh();
      const n = await queueDueReminders(db, settings);
      if (n > 0) console.log(`[rappels] ${n} rappel(s) mis en file`);
    },
    { firstDelayMs: 5_000, intervalMs },
  );
}
