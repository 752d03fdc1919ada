import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { addEvent, eventRequest, intake } from '../test/support/fixtures.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 19's global search in Chromium, by keyboard only, against the built extranet: from the
 * inbox the advisor tabs to the header's search field, types a misspelt name, presses Enter, tabs
 * to the person among the results and presses Enter: the person's file opens, with its breadcrumb.
 * axe-core checks the results page.
 */

let server: RunningServer;
let browser: Browser;
let personId: number;
const lastName = `Wattebled${Date.now().toString(36).replace(/\d/g, '')}`;

beforeAll(async () => {
  server = await startServer('sqlite');
  await addEvent(server.db, 'ev-e2e', 'valenciennois', 10);
  const res = await intake(server.url, eventRequest('ev-e2e', { firstName: 'Anaïs', lastName }));
  expect(res.status).toBe(201);
  personId = (
    await server.db.db
      .selectFrom('person')
      .select('id')
      .where('last_name', '=', lastName)
      .executeTakeFirstOrThrow()
  ).id;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Presses Tab until `wanted` says the focused element is the one, at most `max` times. */
async function tabTo(page: Page, wanted: () => boolean | Promise<boolean>, max = 60): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press('Tab');
    if (await wanted()) return n;
  }
  throw new Error('élément jamais atteint au clavier');
}

it('finds a person from the header by keyboard only: Tab, a misspelt name, Enter, Tab to the result, Enter', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const csp = cspViolations(page);
  await signInPage(page, server.url, 'conseiller@maillage.test');

  await tabTo(page, () => page.evaluate(() => document.activeElement?.id === 'recherche-globale'));
  // One letter changed (tt → t… and é → e): the typo and the accents do not matter.
  const typo = `anais ${lastName.toLowerCase().replace('tt', 't')}`;
  await page.keyboard.type(typo);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/recherche\?q=/);
  await page.getByRole('heading', { level: 2, name: 'Personnes (1)' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  const href = `/personnes/${personId}`;
  await tabTo(page, () => page.evaluate((h) => document.activeElement?.getAttribute('href') === h, href));
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`${href}$`));
  await page.getByRole('heading', { level: 1, name: new RegExp(lastName) }).waitFor();
  await page.getByRole('navigation', { name: 'Fil d’Ariane' }).waitFor();
  expect(csp).toEqual([]);
  await context.close();
});
