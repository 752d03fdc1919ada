import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv, readEnvFile, syncEnvFiles } from '../lib/env-file.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'maillage-env-'));

describe('env files', () => {
  it('parses comments, quotes and values containing "="', () => {
    const env = parseEnv('# note\nA=1\nB="deux mots"\nC=x=y\n\nbad line\n');
    expect([...env]).toEqual([
      ['A', '1'],
      ['B', 'deux mots'],
      ['C', 'x=y'],
    ]);
  });

  it('generates each empty secret once and shares it between apps', () => {
    const d = dir();
    writeFileSync(join(d, 'a.example'), 'SHARED_SECRET=\nPORT=1\n');
    writeFileSync(join(d, 'b.example'), 'SHARED_SECRET=\nOWN_TOKEN=\n');
    syncEnvFiles([
      { example: join(d, 'a.example'), target: join(d, 'a.env') },
      { example: join(d, 'b.example'), target: join(d, 'b.env') },
    ]);
    const a = readEnvFile(join(d, 'a.env'));
    const b = readEnvFile(join(d, 'b.env'));
    expect(a.get('SHARED_SECRET')).toMatch(/^[\w-]{43}$/);
    expect(b.get('SHARED_SECRET')).toBe(a.get('SHARED_SECRET'));
    expect(b.get('OWN_TOKEN')).not.toBe(a.get('SHARED_SECRET'));
    expect(a.get('PORT')).toBe('1');
  });

  it('leaves empty a variable that is not a secret', () => {
    const d = dir();
    writeFileSync(join(d, 'a.example'), 'DATABASE_URL=\nAPP_KEYS=\n');
    syncEnvFiles([{ example: join(d, 'a.example'), target: join(d, 'a.env') }]);
    const a = readEnvFile(join(d, 'a.env'));
    expect(a.get('DATABASE_URL')).toBe('');
    expect(a.get('APP_KEYS')).toMatch(/^[\w-]{43}$/);
  });

  it('never overwrites a value already set, and only appends what is missing', () => {
    const d = dir();
    writeFileSync(join(d, 'a.example'), 'TOKEN=\nNEW=x\n');
    writeFileSync(join(d, 'a.env'), 'TOKEN=mine\n');
    const added = syncEnvFiles([{ example: join(d, 'a.example'), target: join(d, 'a.env') }]);
    expect(readFileSync(join(d, 'a.env'), 'utf8')).toBe('TOKEN=mine\nNEW=x\n');
    expect(added.get(join(d, 'a.env'))).toEqual(['NEW']);
    expect(syncEnvFiles([{ example: join(d, 'a.example'), target: join(d, 'a.env') }]).size).toBe(0);
  });

  it('reuses a secret another app already has', () => {
    const d = dir();
    writeFileSync(join(d, 'a.env'), 'SHARED_SECRET=existing\n');
    writeFileSync(join(d, 'b.example'), 'SHARED_SECRET=\n');
    syncEnvFiles([
      { example: join(d, 'a.example'), target: join(d, 'a.env') },
      { example: join(d, 'b.example'), target: join(d, 'b.env') },
    ]);
    expect(readEnvFile(join(d, 'b.env')).get('SHARED_SECRET')).toBe('existing');
  });
});
