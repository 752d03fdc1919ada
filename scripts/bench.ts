// `npm run bench`: builds, then runs the `bench` script of each package that has one (each prints its
// own table, budgets beside the figures). Benchmarks measure; budgets are reported, not asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './lib/processes.ts';
import { bin, root } from './lib/workspace.ts';
import { setup } from './setup.ts';

const titles: Record<string, string> = {
  site: 'Site : poids des pages, EcoIndex, Lighthouse, débit (page de session en cache)',
  extranet: 'Extranet : latence de la liste des inscriptions (10 000 inscriptions, 25 utilisateurs)',
};

setup();
if (!process.env.TEST_DATABASE_URL && !process.env.BENCH_DATABASE_URL) {
  console.log('› BENCH_DATABASE_URL absent : la mesure PostgreSQL de l’extranet est ignorée.');
}
await run(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root });
let failed = false;
for (const pkg of ['site', 'extranet']) {
  const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
  if (!manifest.scripts?.bench) continue;
  console.log(`\n━━ ${titles[pkg] ?? pkg}`);
  try {
    await run('npm', ['run', 'bench', '-w', pkg, '--silent'], { cwd: root });
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
