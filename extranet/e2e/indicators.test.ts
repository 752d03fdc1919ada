import { readFile } from 'node:fs/promises';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoHistory } from '../src/features/demo/history.service.ts';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 11 in Chromium, against the built extranet: the demo admin opens the
 * indicators of 2022, reads 39 participants against 55, and downloads the XLSX; axe-core checks
 * the page, and the print stylesheet drops the menu and the forms.
 */

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer('sqlite');
  // The demo's history (normally seeded once the CMS events arrive; the CMS is down here).
  await seedDemoHistory(server.db.db, 'conseiller@maillage.test');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('the admin opens 2022, reads 39 participants against 55 and downloads the XLSX', async () => {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A refused style or script (strict Content-Security-Policy) shows here.
  const problems = cspViolations(page);
  await signInPage(page, server.url, 'admin@maillage.test');

  await page.getByRole('link', { name: 'Indicateurs' }).click();
  await page.waitForURL(/\/indicateurs$/);
  await page.getByLabel('Année', { exact: true }).selectOption('2022');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForURL(/annee=2022/);
  expect(await page.locator('h1').textContent()).toBe('Indicateurs 2022');
  const goal = page.getByRole('heading', { name: /Participant·es aux Parcours des Possibles/ });
  expect((await goal.textContent())?.replace(/\s+/g, ' ')).toContain('39 sur 55');
  const table = page.getByRole('table', { name: 'Chiffres et objectifs 2022' });
  expect(await table.getByRole('row', { name: /Participant·es aux Parcours/ }).textContent()).toMatch(
    /39\s*55\s*71 %/,
  );
  expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(4);
  // Server-drawn: not one script on the page (axe, injected below, is the test's own).
  expect(await page.locator('script').count()).toBe(0);
  problems.push(...(await seriousViolations(page)));

  // Printed: no menu, no forms, the figures and their tables.
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('header.top').isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'Télécharger' }).isVisible()).toBe(false);
  expect(await table.isVisible()).toBe(true);
  await page.emulateMedia({ media: 'screen' });

  await page.getByLabel('Données', { exact: true }).selectOption('participants');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Télécharger' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('participants-2022.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
  const [data, help] = wb.worksheets;
  expect(help!.name).toBe('Colonnes');
  const headers = (data!.getRow(1).values as unknown[]).slice(1);
  const person = headers.indexOf('N° personne') + 1;
  const type = headers.indexOf('Type') + 1;
  const came = headers.indexOf('Participant·e') + 1;
  const people = new Set<string>();
  data!.eachRow((row, n) => {
    if (n > 1 && row.getCell(type).value !== 'Formation' && row.getCell(came).value === 'oui')
      people.add(String(row.getCell(person).value));
  });
  expect(people.size).toBe(39);
  expect(problems).toEqual([]);
  await context.close();
});
