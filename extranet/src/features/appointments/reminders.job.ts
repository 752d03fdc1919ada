import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { queueAppointmentReminders } from './messages.service.ts';

/**
 * The appointments' reminders (2 days before at 09:00, the morning at 08:00, Paris time), checked
 * every `intervalMs`. Every instance may run it: each reminder is claimed once (messages.service.ts).
 */
export function startAppointmentReminders(
  db: Kysely<Database>,
  settings: NotifySettings,
  intervalMs = 5 * 60_000,
): { stop(): void } {
  return startPeriodicJob(
    'rappels-rdv',
    async () => {
      const n = await queueAppointmentReminders(db, settings);
      if (n > 0) console.log(`[rappels-rdv] ${n} rappel(s) de rendez-vous mis en file`);
    },
    { firstDelayMs: 9_000, intervalMs },
  );
}
