import type { Kysely } from 'kysely';
import { now as clockNow, parisDate, parisInstant } from '../../contract/clock.ts';
import type { Database } from '../../db/database.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import { type ErasureCounts, erasePerson } from './erase.ts';
import { retentionMonths } from './settings.ts';

/** A Paris calendar date moved by whole months (the 31st becomes the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * The first Paris day still kept: a person whose last contact fell on an earlier Paris day is past
 * the period. With 36 months on 2026-12-02, a last contact on 2023-12-01 is erased, one on
 * 2023-12-02 (at any hour, Paris time) is kept.
 */
export function retentionCutoff(at: Date, months: number): { date: string; instant: string } {
  const date = addMonths(parisDate(at), -months);
  return { date, instant: parisInstant(date, '00:00').toISOString() };
}

/** People past the period, not erased yet, with no support still open. */
export async function expiredPersons(db: Kysely<Database>, at: Date, months: number): Promise<number[]> {
  const cutoff = retentionCutoff(at, months).instant;
  const rows = await db
    .selectFrom('person')
    .select('id')
    .where('erased_at', 'is', null)
    .where('last_contact_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('support')
            .select('support.id')
            .whereRef('support.person_id', '=', 'person.id')
            .where('support.ended_at', 'is', null),
        ),
      ),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface RetentionReport {
  months: number;
  /** first Paris day kept */
  cutoff: string;
  dryRun: boolean;
  persons: number;
  registrations: number;
  notes: number;
  outbox: number;
  emlFiles: number;
}

/**
 * Erases everyone past the retention period (or, with dryRun, only counts them: nothing is
 * written). Counts only, never names: the report goes to logs and to the terminal.
 */
export async function runRetention(
  db: Kysely<Database>,
  options: { at?: Date; dryRun?: boolean; outboxDir?: string | undefined } = {},
): Promise<RetentionReport> {
  const at = options.at ?? clockNow();
  const months = await retentionMonths(db);
  const ids = await expiredPersons(db, at, months);
  const report: RetentionReport = {
    months,
    cutoff: retentionCutoff(at, months).date,
    dryRun: Boolean(options.dryRun),
    persons: 0,
    registrations: 0,
    notes: 0,
    outbox: 0,
    emlFiles: 0,
  };
  if (options.dryRun) {
    report.persons = ids.length;
    if (ids.length) {
      const count = async (table: 'registration' | 'note') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('person_id', 'in', ids)
              .executeTakeFirstOrThrow()
          ).n,
        );
      report.registrations = await count('registration');
      report.notes = await count('note');
      report.outbox = Number(
        (
          await db
            .selectFrom('outbox')
            .innerJoin('registration', 'registration.id', 'outbox.registration_id')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('registration.person_id', 'in', ids)
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
    return report;
  }
  for (const id of ids) {
    const counts: ErasureCounts | null = await erasePerson(db, id, {
      actorId: null,
      reason: 'retention',
      outboxDir: options.outboxDir,
      at,
    });
    if (!counts) continue; // erased meanwhile (another instance, or on request)
    report.persons++;
    report.registrations += counts.registrations;
    report.notes += counts.notes;
    report.outbox += counts.outbox;
    report.emlFiles += counts.emlFiles;
  }
  return report;
}

/** The app_state key that claims a day's run: the first instance to insert it runs the job. */
export const runKey = (day: string) => `retention:${day}`;

/**
 * Runs the retention job once per Paris day, whichever instance gets there first: the day is
 * claimed by inserting its key in app_state (a primary key, so a second insert does nothing).
 * Each erasure is itself claimed (erasePerson), so an overlap would still erase once.
 */
export async function runDailyRetention(
  db: Kysely<Database>,
  options: { at?: Date; outboxDir?: string | undefined } = {},
): Promise<RetentionReport | null> {
  const at = options.at ?? clockNow();
  const claimed = await db
    .insertInto('app_state')
    .values({ key: runKey(parisDate(at)), value: at.toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return null;
  return runRetention(db, { at, outboxDir: options.outboxDir });
}

/** Checks every `intervalMs` (hourly) whether today's run is still to do, then does it. */
export function startRetentionJob(
  db: Kysely<Database>,
  outboxDir: string,
  intervalMs = 60 * 60_000,
): { stop(): void } {
  return startPeriodicJob(
    'conservation',
    async () => {
      const report = await runDailyRetention(db, { outboxDir });
      if (report && report.persons > 0)
        console.log(`[conservation] ${report.persons} personne(s) effacée(s) (avant le ${report.cutoff})`);
    },
    { firstDelayMs: 20_000, intervalMs },
  );
}
