// `npm test`: set-up, lint, build, type checks, then every package's tests (unit and integration, then the
// browser journeys), one package at a time so that suites starting real servers do not compete for
// the two cores. Prints one summary line per suite and a final "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './lib/processes.ts';
import { bin, root } from './lib/workspace.ts';
import { setup } from './setup.ts';
import { type HourRun, runHourSuites } from './test-hours.ts';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

// Workspaces with tests, by folder; their results are named by the folder's last part.
const packages = [
  'extranet/packages/platform',
  'extranet/packages/contract',
  'cms',
  'extranet',
  'site',
  'scripts',
];
const label = (pkg: string) => pkg.split('/').pop() as string;
const resultsDir = join(root, '.cache', 'test-results');
const failures: string[] = [];
let notAudited = false;

async function step(name: string, command: string, args: string[]): Promise<void> {
  console.log(`\n━━ ${name}`);
  try {
    await run(command, args, { cwd: root });
  } catch (error) {
    failures.push(`${name}: ${(error as Error).message}`);
  }
}

setup();
if (!process.env.TEST_DATABASE_URL) {
  console.log(
    '› TEST_DATABASE_URL absent : les suites PostgreSQL sont ignorées (la CI les lance, voir .ci/run).',
  );
}
rmSync(resultsDir, { recursive: true, force: true });

await step('lint (biome)', bin('biome'), ['ci', '--reporter=summary', '.']);
// The floor plan, checked: no unused file, export or dependency (knip); no import back up the layers,
// across feature folders against their order, from one app into another, nor in a cycle
// (dependency-cruiser, .dependency-cruiser.cjs).
await step('lint (knip)', bin('knip'), []);
await step('lint (dependency-cruiser)', 'npm', ['run', '-s', 'lint:deps']);
await step('build', bin('turbo'), ['run', 'build', '--output-logs=errors-only']);
// Production dependencies against the reviewed allow-list; code 3: the audit endpoint could not be
// reached, said plainly and not counted as a failure (scripts/audit-deps.ts).
console.log('\n━━ audit:deps (npm audit, dépendances de production)');
const audit = spawnSync(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', 'scripts/audit-deps.ts'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (audit.status === 3) notAudited = true;
else if (audit.status !== 0)
  failures.push(`audit:deps : faille grave inexpliquée ou audit impossible (code ${audit.status}).`);
await step('check-types (tsc strict)', bin('turbo'), [
  'run',
  'check-types',
  '--output-logs=errors-only',
  '--continue',
]);
for (const task of ['test', 'test:e2e']) {
  const output = `${resultsDir}/${task.replace(':', '-')}-{pkg}.json`;
  for (const pkg of packages) {
    const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
    if (!manifest.scripts?.[task]) continue;
    await step(`${task} ${pkg}`, 'npm', [
      'run',
      task,
      '-w',
      pkg,
      '--',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${output.replace('{pkg}', label(pkg))}`,
    ]);
  }
}

// CI (MAILLAGE_TEST_HOURS=1): the date-sensitive suites again at 00:30 and 23:30 Paris time, winter
// and summer (scripts/test-hours.ts).
let hours: HourRun[] = [];
if (process.env.MAILLAGE_TEST_HOURS === '1') {
  hours = await runHourSuites(resultsDir);
  for (const r of hours) failures.push(...r.failures);
}

let passed = 0;
let failed = 0;
let skipped = 0;
console.log('\n━━ Résumé');
for (const task of ['test', 'test-e2e']) {
  for (const pkg of packages) {
    const file = `${resultsDir}/${task}-${label(pkg)}.json`;
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    console.log(
      `  ${r.success ? '✔' : '✗'} ${task.padEnd(9)} ${label(pkg).padEnd(9)} ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
    );
  }
}
if (notAudited) console.log("  ⚠ audit:deps   non fait : le service d'audit du registre npm ne répond pas");
for (const r of hours) {
  let ok = r.failures.length === 0;
  let n = 0;
  for (const file of r.results.filter((f) => existsSync(f))) {
    const json = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
    passed += json.numPassedTests;
    failed += json.numFailedTests;
    skipped += json.numPendingTests + json.numTodoTests;
    n += json.numPassedTests;
    ok &&= json.success;
  }
  console.log(`  ${ok ? '✔' : '✗'} heures    ${r.label.padEnd(12)} ${r.at} : ${n} passed en ${r.seconds} s`);
}
for (const f of failures) console.log(`  ✗ ${f}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length === 0 && failed === 0 && passed > 0 ? 0 : 1);
