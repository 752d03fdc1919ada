// The date-sensitive suites again, as if it were 00:30 and 23:30 Paris time in winter and in
// summer: the first and last Paris hour of the day, when the UTC date differs from the Paris one
// and when "today" at midnight UTC is still to come. Every app reads its clock from
// `@maillage/platform/clock`, which takes MAILLAGE_NOW (outside production): this script sets it
// for the suites, and the suites pass it on to everything they start (Strapi, the built site and
// extranet). Run by `npm test` when MAILLAGE_TEST_HOURS=1 (CI sets it), or alone with
// `npm run test:hours` once the apps are built.
import { join } from 'node:path';
import { run } from './lib/processes.ts';
import { root } from './lib/workspace.ts';

/** The suites whose answers depend on the date and hour, chosen to add at most ~12 min to CI. */
export const HOUR_SUITES: Array<{ name: string; pkg: string; args: string[] }> = [
  // The demo seed: registration windows from Paris midnight, sessions moved on from "today".
  {
    name: 'CMS dates de démonstration',
    pkg: 'cms',
    args: ['test/rules.test.ts', 'test/seed-refresh.test.ts'],
  },
  // Places left, registrations open/closed, agenda.ics times, data·inclusion date_maj.
  { name: 'site intégration', pkg: 'site', args: ['test/cms.integration.test.ts'] },
  // Events copy and registration windows, reminders two days before, demo registrations; a note
  // written today sorts after the request that came in earlier today (at 23:30 too).
  {
    name: 'extranet dates',
    pkg: 'extranet',
    args: [
      'test/events.test.ts',
      'test/notifications.outbox.test.ts',
      'test/demo.test.ts',
      'test/persons.test.ts',
      // appointments: past / overlap refusals, the agenda's week, the nudge (the reminders set their own clock)
      'test/appointments.test.ts',
      // place offers' delays and the no-show rule's « same evening » (Paris days)
      'test/waitlist.test.ts',
    ],
  },
  // The journey that was empty at 00:15: the demo inbox fed by the seed, accepted, one place less.
  {
    name: 'extranet parcours (e2e)',
    pkg: 'extranet',
    args: ['--config', 'vitest.e2e.config.ts', 'e2e/inbox.test.ts'],
  },
];

/**
 * 00:30 and 23:30 Paris time on the next 14 January (winter, +01:00) and the next 14 July
 * (summer, +02:00) after `from`, so the moments stay within a year of the machine's date.
 */
export function hourMoments(from = new Date()): Array<{ label: string; at: string }> {
  const next = (month: number) => {
    const year = from.getUTCFullYear();
    const thisYear = Date.UTC(year, month - 1, 14);
    return thisYear > from.getTime() ? year : year + 1;
  };
  const winter = `${next(1)}-01-14`;
  const summer = `${next(7)}-07-14`;
  return [
    { label: 'hiver-00h30', at: `${winter}T00:30:00+01:00` },
    { label: 'hiver-23h30', at: `${winter}T23:30:00+01:00` },
    { label: 'ete-00h30', at: `${summer}T00:30:00+02:00` },
    { label: 'ete-23h30', at: `${summer}T23:30:00+02:00` },
  ];
}

export interface HourRun {
  label: string;
  at: string;
  seconds: number;
  failures: string[];
  /** vitest JSON result files written by this run. */
  results: string[];
}

/** Runs every hour suite at every moment; vitest JSON results go to `resultsDir`. */
export async function runHourSuites(resultsDir: string): Promise<HourRun[]> {
  const runs: HourRun[] = [];
  for (const moment of hourMoments()) {
    const started = Date.now();
    const hourRun: HourRun = { ...moment, seconds: 0, failures: [], results: [] };
    for (const [i, suite] of HOUR_SUITES.entries()) {
      const output = join(resultsDir, `heures-${moment.label}-${i}-${suite.pkg}.json`);
      console.log(`\n━━ ${suite.name} à ${moment.at} (MAILLAGE_NOW)`);
      try {
        await run(
          'npx',
          [
            'vitest',
            'run',
            ...suite.args,
            '--reporter=default',
            '--reporter=json',
            `--outputFile.json=${output}`,
          ],
          { cwd: join(root, suite.pkg), env: { ...process.env, MAILLAGE_NOW: moment.at } },
        );
      } catch (error) {
        hourRun.failures.push(`${suite.name} à ${moment.at} : ${(error as Error).message}`);
      }
      hourRun.results.push(output);
    }
    hourRun.seconds = Math.round((Date.now() - started) / 1000);
    console.log(`\n› ${moment.label} (${moment.at}) : ${hourRun.seconds} s`);
    runs.push(hourRun);
  }
  return runs;
}

if (import.meta.main) {
  const { existsSync, readFileSync } = await import('node:fs');
  const runs = await runHourSuites(join(root, '.cache', 'test-results'));
  let passed = 0;
  let failed = 0;
  for (const r of runs) {
    for (const file of r.results.filter((f) => existsSync(f))) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
      };
      passed += json.numPassedTests;
      failed += json.numFailedTests;
    }
    console.log(`  ${r.failures.length ? '✗' : '✔'} ${r.label.padEnd(12)} ${r.at}  ${r.seconds} s`);
    for (const f of r.failures) console.log(`    ✗ ${f}`);
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(runs.every((r) => r.failures.length === 0) && failed === 0 && passed > 0 ? 0 : 1);
}
