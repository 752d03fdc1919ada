import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { astroBuild } from '@maillage/scripts/testing/astro-build';
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
  astroBuild(root, outDir);
  project.provide('serverEntry', join(outDir, 'server', 'entry.mjs'));
  return () => rmSync(outDir, { recursive: true, force: true });
}
