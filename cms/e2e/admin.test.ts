import { launchChromium } from '@maillage/scripts/testing/chromium';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('Strapi admin in a real browser', () => {
  let cms: StartedStrapi;
  let browser: Browser;

  beforeAll(async () => {
    cms = await startStrapi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cms?.stop();
  });

  it('logs the demo admin in, in French, without a single request to the internet', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) {
        outside.push(request.url());
      }
    });
    await page.goto(`${cms.url}/admin`);
    await page.getByLabel(/e-?mail/i).fill('admin@maillage.test');
    await page.getByLabel(/mot de passe/i).fill('maillage-demo-2026');
    await page.getByRole('button', { name: /connexion|se connecter/i }).click();
    await page.waitForURL(/\/admin(\/)?$/, { timeout: 30_000 });
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    // The event edit view shows the French field labels set by the bootstrap.
    await page.goto(`${cms.url}/admin/content-manager/collection-types/api::event.event/create`);
    await page.getByText('Nombre de places').first().waitFor({ timeout: 30_000 });
    expect(await page.getByText('Clôture des inscriptions').count()).toBeGreaterThan(0);
    await page.waitForTimeout(1_000);
    expect(outside).toEqual([]);
  });
});
