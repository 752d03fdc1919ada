import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Builds the Astro app at `root` into a private `outDir`, with the app's own astro, so a
 * concurrent `astro build` (another run, the demo) cannot swap files under a running test.
 */
export function astroBuild(root: string, outDir: string): void {
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
}
