import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

const extranet = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'retention-cli-'));
const file = join(dir, 'extranet.db');

/** `npm run retention` runs this command with Node 24 in the extranet's folder (scripts/retention.ts). */
function retention(...args: string[]): string {
  return execFileSync(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', 'bin/retention.ts', ...args],
    {
      cwd: extranet,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'], // the refusal's message stays out of the test log
      env: { ...process.env, DATABASE_URL: '', EXTRANET_DB_FILE: file, OUTBOX_DIR: join(dir, 'outbox') },
    },
  );
}

async function people() {
  const db = createDb({ file });
  try {
    return await db.db
      .selectFrom('person')
      .select(['first_name', 'phone', 'erased_at'])
      .orderBy('id')
      .execute();
  } finally {
    await db.close();
  }
}

describe('npm run retention', () => {
  beforeAll(async () => {
    const db = createDb({ file });
    await migrateToLatest(db.db);
    const person = (first: string, phone: string, lastContact: string) => ({
      first_name: first,
      last_name: 'Ligne-de-commande',
      phone,
      email: null,
      commune_insee: '59606',
      commune_name: 'Valenciennes',
      territory: 'valenciennois',
      situation_rsa: 'oui',
      situation_job_seeker: 'non',
      preferred_contact: 'appel' as const,
      consent_at: lastContact,
      last_contact_at: lastContact,
      created_at: lastContact,
      updated_at: lastContact,
    });
    await db.db
      .insertInto('person')
      .values([
        person('Ancienne', '+33611110000', '2019-01-15T10:00:00.000Z'),
        person('Récente', '+33622220000', new Date(nowMs()).toISOString()),
      ])
      .execute();
    await db.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('previews counts only with --dry-run, changing nothing, then erases', async () => {
    const before = await people();
    const preview = retention('--dry-run');
    expect(preview).toContain('Durée de conservation : 3 ans');
    expect(preview).toContain('seraient effacées 1 personne(s)');
    for (const t of ['Ancienne', 'Ligne-de-commande', '0611110000', '611110000'])
      expect(preview).not.toContain(t);
    expect(await people()).toEqual(before);

    const run = retention();
    expect(run).toContain('Effacées : 1 personne(s)');
    expect(run).not.toContain('Ancienne');
    const after = await people();
    expect(after.map((p) => [p.first_name, p.phone, p.erased_at === null])).toEqual([
      ['Personne effacée', '', false],
      ['Récente', '+33622220000', true],
    ]);
  });

  it('refuses an unknown option', () => {
    expect(() => retention('--tout')).toThrow();
  });
});
