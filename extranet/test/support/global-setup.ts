import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    serverEntry: string;
  }
}

/**
 * The tests run the BUILT server, built once from the current sources into a private folder, so
 * a concurrent `astro build` (another run, the demo) cannot swap files under a running test.
 */
export default function setup(project: TestProject): () => void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outDir = join(root, '.test-build', randomBytes(4).toString('hex'));
  const astroBin = join(
    dirname(createRequire(join(root, 'package.json')).resolve('astro/package.json')),
    'bin',
    'astro.mjs',
  );
  execFileSync(process.execPath, [astroBin, 'build', '--outDir', outDir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  project.provide('serverEntry', join(outDir, 'server', 'entry.mjs'));
  return () => rmSync(outDir, { recursive: true, force: true });
}
