import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The command itself is tested in the extranet (extranet/test/retention-cli.test.ts); here, that
// `npm run retention` reaches it with its arguments and passes its answer and exit code on.
describe('npm run retention', () => {
  it('hands its options to the extranet’s command and fails with it', () => {
    const result = spawnSync(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', 'scripts/retention.ts', '--tout'],
      { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' },
    );
    expect(result.stderr).toContain('Option inconnue : --tout');
    expect(result.status).toBe(2);
  });
});
