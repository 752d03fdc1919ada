import { addDays, now as clockNow, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import { sendMail } from '../mail/mail.service.ts';
import { loadContext, type NotifySettings } from '../notifications/context.ts';
import { parcoursEndToPrescriber } from '../notifications/messages/sessions.ts';
import { toOutbox } from '../notifications/notifications.service.ts';
import {
  attendanceOfRegistration,
  claimPrescriberInformed,
  prescribersToInform,
} from './sessions.repository.ts';
import { halfDays } from './sessions.rules.ts';

/** Without attendance on the last half-day, the professional is told anyway after this many days. */
const WAIT_FOR_ATTENDANCE_DAYS = 7;

/**
 * End of a Parcours: the professionals who asked to be kept informed are told whether the person
 * came (attended at least one half-day, or not) — nothing else. Sent the day after the last
 * half-day once the advisor has recorded that half-day for the person (or a week later at the
 * latest, with what is known). Exactly once, however many instances run this: each registration
 * is claimed by a conditional UPDATE of `prescriber_informed_at` in the transaction that queues
 * the message.
 */
export async function queueParcoursEndMessages(
  db: Kysely<Database>,
  settings: NotifySettings,
  at: Date = clockNow(),
): Promise<number> {
  const today = parisDate(at);
  const candidates = await prescribersToInform(db, at.toISOString());
  let queued = 0;
  for (const c of candidates) {
    const last = halfDays(c).at(-1);
    if (!last || last.date >= today) continue;
    const marks = await attendanceOfRegistration(db, c.id);
    const lastRecorded = marks.some(
      (m) => m.slot_date === last.date && m.slot_start.slice(0, 5) === last.start,
    );
    if (!lastRecorded && addDays(last.date, WAIT_FOR_ATTENDANCE_DAYS) > today) continue;
    const attended = marks.some((m) => m.status === 'present');
    const done = await db.transaction().execute(async (trx) => {
      if (!(await claimPrescriberInformed(trx, c.id, at.toISOString()))) return false;
      const ctx = await loadContext(trx, c.id, settings);
      const mail = ctx ? parcoursEndToPrescriber(ctx, attended) : null;
      if (mail) await sendMail(trx, toOutbox(mail, c.id));
      await audit(trx, {
        actorId: null,
        action: 'parcours.prescriber-informed',
        entityType: 'registration',
        entityId: c.id,
        personId: c.person_id,
        details: { attended, sent: Boolean(mail) },
      });
      return Boolean(mail);
    });
    if (done) queued++;
  }
  return queued;
}

/** Runs the end-of-Parcours job now and then every `intervalMs` (like the reminders job). */
export function startParcoursEndJob(
  db: Kysely<Database>,
  settings: NotifySettings,
  intervalMs = 15 * 60_000,
): { stop(): void } {
  return startPeriodicJob(
    'parcours',
    async () => {
      const n = await queueParcoursEndMessages(db, settings);
      if (n > 0) console.log(`[parcours] ${n} message(s) de fin de parcours mis en file`);
    },
    { firstDelayMs: 7_000, intervalMs },
  );
}
