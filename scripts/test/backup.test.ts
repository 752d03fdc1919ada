// `npm run backup` / `npm run restore`: back up, destroy the data, restore, and find every request,
// note, published page, uploaded file and attached document again — with SQLite for both databases, and with
// PostgreSQL for both when TEST_DATABASE_URL is set. Needs the built CMS (npm run build -w cms).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backup, type Locations, restore } from '../lib/backup.ts';
import { startStrapi } from '../testing/strapi.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const backends = serverUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

/**
 * One statement as the test role. DROP … WITH (FORCE) ends our own connections but not an autovacuum
 * worker busy on the database (the test role may not signal it: 42501): wait for it and try again,
 * as extranet/test/support/server.ts does.
 */
async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(sql);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await c.end();
  }
}
const databaseUrl = (name: string) => {
  const url = new URL(serverUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * Runs the extranet's backup fixture (extranet/test/support/backup-fixture.ts) against the test's
 * extranet database, as a process: the scripts workspace never imports the extranet app.
 */
function extranetFixture(command: 'seed' | 'read', at: { databaseUrl?: string; file: string }) {
  const output = execFileSync(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', 'test/support/backup-fixture.ts', command],
    {
      cwd: join(import.meta.dirname, '..', '..', 'extranet'),
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: at.databaseUrl ?? '', EXTRANET_DB_FILE: at.file },
    },
  );
  return JSON.parse(output) as { empty?: boolean; references: string[]; notes: string[] };
}

async function publishedPages(url: string, token: string): Promise<string[]> {
  const res = await fetch(`${url}/api/pages?fields[0]=slug&pagination[pageSize]=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { slug: string }[] }).data.map((p) => p.slug).sort();
}

describe.each(backends)('backup and restore with %s', (backend) => {
  it('finds every request, note, published page and upload again after the data is destroyed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maillage-backup-test-'));
    const suffix = randomBytes(5).toString('hex');
    const names = { extranet: `backup_extranet_${suffix}`, cms: `backup_cms_${suffix}` };
    if (backend === 'postgres') {
      await pgAdmin(`CREATE DATABASE ${names.extranet}`);
      await pgAdmin(`CREATE DATABASE ${names.cms}`);
    }
    const locations: Locations = {
      extranet:
        backend === 'postgres'
          ? { databaseUrl: databaseUrl(names.extranet), file: '' }
          : { file: join(dir, 'extranet.db') },
      cms:
        backend === 'postgres'
          ? { databaseUrl: databaseUrl(names.cms), file: '' }
          : { file: join(dir, 'cms', 'data.db') },
      uploads: join(dir, 'uploads'),
      documents: join(dir, 'documents'),
    };
    const cmsEnv: Record<string, string> =
      backend === 'postgres' ? {} : { DATABASE_FILENAME: locations.cms.file };
    mkdirSync(join(dir, 'cms'), { recursive: true });
    try {
      // The extranet's data: requests and notes, written by the extranet's own code in a process.
      const { references, notes } = extranetFixture('seed', locations.extranet);
      // An uploaded photo (bytes that must come back identical).
      const photo = randomBytes(4096);
      mkdirSync(locations.uploads, { recursive: true });
      writeFileSync(join(locations.uploads, 'portrait_nadia.jpg'), photo);
      // A document attached to a person (named by its random key), and an upload still under way.
      const documentKey = randomBytes(16).toString('hex');
      const attestation = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8192)]);
      mkdirSync(locations.documents, { recursive: true, mode: 0o700 });
      writeFileSync(join(locations.documents, documentKey), attestation, { mode: 0o600 });
      writeFileSync(join(locations.documents, `${randomBytes(16).toString('hex')}.part`), 'partiel');

      // The CMS with its seeded, published pages; the backup is taken while both apps run.
      const cms = await startStrapi({ databaseUrl: locations.cms.databaseUrl, env: cmsEnv });
      let pages: string[];
      let archive: string;
      try {
        pages = await publishedPages(cms.url, cms.siteToken);
        expect(pages).toEqual(
          expect.arrayContaining(['a-propos', 'donnees-personnelles', 'mentions-legales']),
        );
        archive = await backup(locations, join(dir, 'backups'), new Date('2026-12-02T03:00:00.000Z'));
        expect(archive).toMatch(/maillage-2026-12-02T03-00-00-000Z\.tar\.gz$/);
      } finally {
        await cms.stop();
      }

      // Destroy everything.
      if (backend === 'postgres') {
        for (const name of Object.values(names)) {
          await pgAdmin(`DROP DATABASE ${name} WITH (FORCE)`);
          await pgAdmin(`CREATE DATABASE ${name}`);
        }
      } else {
        rmSync(locations.extranet.file, { force: true });
        rmSync(locations.cms.file, { force: true });
      }
      rmSync(locations.uploads, { recursive: true, force: true });
      rmSync(locations.documents, { recursive: true, force: true });
      expect(extranetFixture('read', locations.extranet)).toEqual({ empty: true });

      // Restore, then look for everything.
      const manifest = await restore(archive, locations);
      expect(manifest).toMatchObject({ extranet: backend, cms: backend });
      const restored = extranetFixture('read', locations.extranet);
      expect(restored.references.sort()).toEqual([...references].sort());
      expect(restored.notes.sort()).toEqual([...notes].sort());
      expect(readFileSync(join(locations.uploads, 'portrait_nadia.jpg')).equals(photo)).toBe(true);
      // The document comes back identical, private to the app's user; the partial upload does not.
      expect(readFileSync(join(locations.documents, documentKey)).equals(attestation)).toBe(true);
      expect(readdirSync(locations.documents)).toEqual([documentKey]);
      expect(statSync(locations.documents).mode & 0o777).toBe(0o700);
      expect(statSync(join(locations.documents, documentKey)).mode & 0o777).toBe(0o600);
      // No demo seeding on this start: every page it serves comes from the restored database.
      const again = await startStrapi({
        databaseUrl: locations.cms.databaseUrl,
        env: { ...cms.env, ...cmsEnv, SEED_DEMO: 'false', PORT: '' },
      });
      try {
        expect(await publishedPages(again.url, again.siteToken)).toEqual(pages);
      } finally {
        await again.stop();
      }
    } finally {
      if (backend === 'postgres') {
        for (const name of Object.values(names))
          await pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
