// `npm run setup`: creates the apps' .env files from their examples (secrets generated, nothing
// overwritten). Called by `npm start` and `npm test` too.
import { join } from 'node:path';
import { syncEnvFiles } from './lib/env-file.ts';
import { appDir, apps } from './lib/workspace.ts';

export function setup(): void {
  const added = syncEnvFiles(
    apps.map((app) => ({ example: join(appDir(app), '.env.example'), target: join(appDir(app), '.env') })),
  );
  for (const [file, keys] of added)
    console.log(`› ${file}: ${keys.length} variable(s) ajoutée(s) (${keys.join(', ')})`);
}

if (import.meta.main) setup();
