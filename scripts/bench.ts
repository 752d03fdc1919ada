// `npm run bench`: builds, then runs each app's benchmark (they print their own tables).
// Benchmarks measure; they never fail the build on a budget — budgets are reported next to the figures.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './lib/processes.ts';
import { bin, root } from './lib/workspace.ts';
import { setup } from './setup.ts';

const benches = [
  { name: 'Site : poids des pages, EcoIndex, Lighthouse, débit', file: 'site/bench/pages.ts' },
  {
    name: 'Extranet : latence de la liste des inscriptions (10 000 inscriptions)',
    file: 'extranet/bench/inbox.ts',
  },
];

setup();
await run(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root });
let failed = false;
for (const bench of benches) {
  const file = join(root, bench.file);
  if (!existsSync(file)) continue;
  console.log(`\n━━ ${bench.name}`);
  try {
    await run(process.execPath, ['--disable-warning=ExperimentalWarning', file], {
      cwd: join(root, bench.file.split('/')[0] ?? ''),
    });
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
