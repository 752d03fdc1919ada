import type { Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/testing/chromium.ts';
import { safeNext } from '../src/lib/guard.ts';
import { DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

const ADVISOR = 'conseiller@maillage.test';

describe('where sign-in goes back to', () => {
  it('keeps local paths and refuses every way out of the extranet', () => {
    expect(safeNext('/demandes/12?onglet=notes#fin')).toBe('/demandes/12?onglet=notes#fin');
    for (const bad of [
      null,
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/%09/evil.example/',
      '/\t/evil.example/',
      '/%5Cevil.example',
      '/%0d%0aSet-Cookie:x=1',
      '/%E0%A4%A',
      'javascript:alert(1)',
    ]) {
      expect(safeNext(bad), String(bad)).toBe('/demandes');
    }
  });
});

describe('the built extranet in Chromium', () => {
  let server: RunningServer;
  let chromium: Chromium;

  beforeAll(async () => {
    server = await startServer('sqlite');
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('stays on the extranet after a real sign-in with suivant=/%09/evil.example/', async () => {
    const context = await chromium.newContext({ locale: 'fr-FR' });
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/connexion?suivant=/%09/evil.example/`);
    await page.fill('#email', ADVISOR);
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await page.waitForURL((url) => url.pathname !== '/connexion', { timeout: 10_000 }).catch(() => {});
    expect(elsewhere).toEqual([]);
    expect(new URL(page.url()).origin).toBe(server.url);
    expect(new URL(page.url()).pathname).toBe('/demandes');
    await context.close();
  });
});
