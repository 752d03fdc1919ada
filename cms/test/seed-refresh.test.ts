import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs } from '@maillage/platform/clock';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './helpers/cms-client';
import { todayInFrance } from './helpers/dates';
import { createThrowawayDatabase } from './helpers/postgres';

async function eventDates(cms: StartedStrapi): Promise<Map<string, string[]>> {
  const { body } = await api(
    cms.url,
    '/api/events?fields[0]=slug&populate[slots]=true&pagination[pageSize]=100',
    cms.siteToken,
  );
  return new Map(
    body.data.map((e: { slug: string; slots: Array<{ date: string }> }) => [
      e.slug,
      e.slots.map((s) => s.date).sort(),
    ]),
  );
}

const databases: Array<{ name: string; serverUrl?: string }> = [{ name: 'SQLite' }];
if (process.env.TEST_DATABASE_URL)
  databases.push({ name: 'PostgreSQL', serverUrl: process.env.TEST_DATABASE_URL });

describe.each(databases)('demo sessions on $name', ({ serverUrl }) => {
  const tmp = mkdtempSync(join(tmpdir(), 'maillage-cms-refresh-'));
  let cms: StartedStrapi | undefined;
  let database: { url: string; drop(): Promise<void> } | undefined;

  afterAll(async () => {
    await cms?.stop();
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('moves demo sessions that have passed to new dates when the CMS starts again', async () => {
    database = serverUrl ? await createThrowawayDatabase(serverUrl) : undefined;
    const longAgo = new Date(nowMs() - 150 * 24 * 3600 * 1000).toISOString();
    cms = await startStrapi({
      databaseUrl: database?.url,
      env: { DATABASE_FILENAME: join(tmp, 'cms.db'), MAILLAGE_NOW: longAgo },
    });
    const today = todayInFrance();
    const before = await eventDates(cms);
    expect(before.size).toBe(9);
    for (const dates of before.values()) expect(dates.at(-1)! < today).toBe(true);

    const { PORT: _port, MAILLAGE_NOW: _now, ...env } = cms.env;
    await cms.stop();
    cms = await startStrapi({ databaseUrl: database?.url, env });
    const after = await eventDates(cms);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [slug, dates] of after) {
      expect(dates[0]! > today, `${slug} starts ${dates[0]}`).toBe(true);
      expect(dates).toHaveLength(before.get(slug)!.length);
    }
    expect(cms.logs()).toMatch(/sessions aux dates renouvelées: 9/);
    // Two Strapi starts: give a loaded two-core machine room.
  }, 180_000);
});
