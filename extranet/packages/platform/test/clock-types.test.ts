import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = join(import.meta.dirname, '..');

describe('the clock as the CMS build sees it', () => {
  it('declares in types/clock.d.ts exactly what src/clock.ts exports (npm run generate:types)', () => {
    const out = mkdtempSync(join(tmpdir(), 'clock-types-'));
    try {
      const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
      const args = (manifest.scripts['generate:types'] as string)
        .replace(/^tsc /, '')
        .replace('--outDir types', `--outDir ${out}`)
        .split(' ');
      execFileSync(join(here, '../../../node_modules/.bin/tsc'), args, { cwd: here });
      expect(readFileSync(join(out, 'clock.d.ts'), 'utf8')).toBe(
        readFileSync(join(here, 'types/clock.d.ts'), 'utf8'),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
