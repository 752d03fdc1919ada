import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './helpers/cms-client';

describe('CMS started outside demo mode (NODE_ENV=production, no MAILLAGE_DEMO)', () => {
  let cms: StartedStrapi;

  beforeAll(async () => {
    cms = await startStrapi({ env: { NODE_ENV: 'production', MAILLAGE_DEMO: '' } });
  });

  afterAll(async () => {
    await cms?.stop();
  });

  it('refuses the demo admin accounts, says so in the log, and still serves content', async () => {
    const response = await fetch(`${cms.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@maillage.test', password: 'maillage-demo-2026' }),
    });
    expect(response.status).toBe(400);
    expect(cms.logs()).toContain('Demo admin accounts refused: not in demo mode (MAILLAGE_DEMO)');
    const programs = await api(cms.url, '/api/programs?fields[0]=slug', cms.siteToken);
    expect(programs.status).toBe(200);
  });
});

describe('CMS in demo mode', () => {
  it('refuses to start when PUBLIC_URL is not a local address, and says why in French', async () => {
    await expect(
      startStrapi({ env: { MAILLAGE_DEMO: '1', PUBLIC_URL: 'https://cms.maillage.fr' }, timeoutMs: 90_000 }),
    ).rejects.toThrow(
      /s'est arrêté pendant le démarrage[\s\S]*MAILLAGE_DEMO=1 \(mode démonstration\) est refusé : PUBLIC_URL \(https:\/\/cms\.maillage\.fr\) n'est pas une adresse locale/,
    );
  });
});
