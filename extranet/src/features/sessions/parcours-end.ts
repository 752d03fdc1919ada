import { addDays, now as clockNow, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import { sendMail } from '../mail/mail.ts';
import { loadContext, type NotifySettings, toOutbox } from '../notifications/notify.ts';
import { parcoursEndToPrescriber } from '../notifications/templates.ts';
import { halfDays } from './half-days.ts';

/** Without attendance on the last half-day, the professional is told anyway after this many days. */
export const WAIT_FOR_ATTENDANCE_DAYS = 7;

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
  const candidates = await db
    .selectFrom('registration')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select(['registration.id', 'registration.person_id', 'event_copy.slots_json'])
    .where('registration.prescriber_keep_informed', '=', 1)
    .where('registration.prescriber_informed_at', 'is', null)
    .where('registration.source_type', '=', 'prescriber')
    .where('registration.prescriber_email', 'is not', null)
    .where('registration.status', '=', 'accepted')
    .where('event_copy.cancelled', '=', 0)
    .where('event_copy.first_slot_at', '<', at.toISOString())
    .execute();
  let queued = 0;
  for (const c of candidates) {
    const last = halfDays(c).at(-1);
    if (!last || last.date >= today) continue;
    const marks = await db
      .selectFrom('attendance')
      .select(['slot_date', 'slot_start', 'status'])
      .where('registration_id', '=', c.id)
      .execute();
    const lastRecorded = marks.some(
      (m) => m.slot_date === last.date && m.slot_start.slice(0, 5) === last.start,
    );
    if (!lastRecorded && addDays(last.date, WAIT_FOR_ATTENDANCE_DAYS) > today) continue;
    const attended = marks.some((m) => m.status === 'present');
    const done = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('registration')
        .set({ prescriber_informed_at: at.toISOString() })
        .where('id', '=', c.id)
        .where('prescriber_informed_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
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
