import { now as clockNow, parisDate } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { DocumentStore } from '../documents/document.store.ts';
import { startPeriodicJob } from '../jobs/periodic.job.ts';
import { type ErasureCounts, erasePerson } from './erasure.service.ts';
import { claimAppStateKey, countOf, countOutboxOf, selectExpiredPersonIds } from './retention.repository.ts';
import { retentionCutoff } from './retention.rules.ts';
import { retentionMonths } from './settings.service.ts';

/** People past the period, not erased yet, with no support still open. */
export async function expiredPersons(db: Kysely<Database>, at: Date, months: number): Promise<number[]> {
  return selectExpiredPersonIds(db, retentionCutoff(at, months).instant);
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
  documents: number;
}

/**
 * Erases everyone past the retention period (or, with dryRun, only counts them: nothing is
 * written). Counts only, never names: the report goes to logs and to the terminal.
 */
export async function runRetention(
  db: Kysely<Database>,
  options: {
    at?: Date;
    dryRun?: boolean;
    outboxDir?: string | undefined;
    smsDir?: string | undefined;
    documents?: DocumentStore | undefined;
  } = {},
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
    documents: 0,
  };
  if (options.dryRun) {
    report.persons = ids.length;
    if (ids.length) {
      report.registrations = await countOf(db, 'registration', ids);
      report.notes = await countOf(db, 'note', ids);
      report.outbox = await countOutboxOf(db, ids);
      report.documents = await countOf(db, 'document', ids);
    }
    return report;
  }
  for (const id of ids) {
    const counts: ErasureCounts | null = await erasePerson(db, id, {
      actorId: null,
      reason: 'retention',
      outboxDir: options.outboxDir,
      smsDir: options.smsDir,
      documents: options.documents,
      at,
    });
    if (!counts) continue; // erased meanwhile (another instance, or on request)
    report.persons++;
    report.registrations += counts.registrations;
    report.notes += counts.notes;
    report.outbox += counts.outbox;
    report.emlFiles += counts.emlFiles;
    report.documents += counts.documents;
  }
  return report;
}

/** The app_state key that claims a day's run: the first instance to insert it runs the job. */
const runKey = (day: string) => `retention:${day}`;

/**
 * Runs the retention job once per Paris day, whichever instance gets there first: the day is
 * claimed by inserting its key in app_state (a primary key, so a second insert does nothing).
 * Each erasure is itself claimed (erasePerson), so an overlap would still erase once.
 */
export async function runDailyRetention(
  db: Kysely<Database>,
  options: {
    at?: Date;
    outboxDir?: string | undefined;
    smsDir?: string | undefined;
    documents?: DocumentStore | undefined;
  } = {},
): Promise<RetentionReport | null> {
  const at = options.at ?? clockNow();
  if (!(await claimAppStateKey(db, runKey(parisDate(at)), at.toISOString()))) return null;
  return runRetention(db, {
    at,
    outboxDir: options.outboxDir,
    smsDir: options.smsDir,
    documents: options.documents,
  });
}

/** Checks every `intervalMs` (hourly) whether today's run is still to do, then does it. */
export function startRetentionJob(
  db: Kysely<Database>,
  dirs: { outboxDir: string; smsDir: string; documents: DocumentStore },
  intervalMs = 60 * 60_000,
): { stop(): void } {
  return startPeriodicJob(
    'conservation',
    async () => {
      const report = await runDailyRetention(db, dirs);
      if (report && report.persons > 0)
        console.log(`[conservation] ${report.persons} personne(s) effacée(s) (avant le ${report.cutoff})`);
    },
    { firstDelayMs: 20_000, intervalMs },
  );
}
