// `npm run retention [-- --dry-run]`: runs the extranet's own retention command (extranet/bin/retention.ts)
// in its folder, with its .env (variables already in the environment win), and passes its exit code on.
import { spawnSync } from 'node:child_process';
import { appDir } from './lib/workspace.ts';

const result = spawnSync(
  process.execPath,
  [
    '--disable-warning=ExperimentalWarning',
    '--env-file-if-exists=.env',
    'bin/retention.ts',
    ...process.argv.slice(2),
  ],
  { cwd: appDir('extranet'), stdio: 'inherit' },
);
process.exit(result.status ?? 1);
