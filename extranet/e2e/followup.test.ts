import { addDays, parisDate } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoFollowUp } from '../src/features/demo/followup-people.service.ts';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { addEvent, eventRequest, intake } from '../test/support/fixtures.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 10's follow-up journey in Chromium on a phone-sized screen, against the built extranet:
 * the demo advisor finds a person, starts a support, writes a note with a next action and finds
 * it in "Mes prochaines actions". axe-core checks every new page on the way.
 */

let server: RunningServer;
let browser: Browser;
const lastName = `Parcours-${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startServer('sqlite');
  await addEvent(server.db, 'ev-e2e', 'valenciennois', 10);
  const res = await intake(server.url, eventRequest('ev-e2e', { firstName: 'Yasmine', lastName }));
  expect(res.status).toBe(201);
  // The demo's follow-up (normally seeded once the CMS events arrive; the CMS is down here).
  await seedDemoFollowUp(server.db.db, 'conseiller@maillage.test');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('the demo advisor starts a support, writes a note with a next action and finds it in « Mes prochaines actions »', async () => {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 390, height: 844 },
    bypassCSP: true,
  });
  const page = await context.newPage();
  // A refused style or script (strict Content-Security-Policy) shows here.
  const problems = cspViolations(page);
  await signInPage(page, server.url, 'conseiller@maillage.test');

  // The dashboard: the demo's late action and quiet support are there.
  await page.getByRole('link', { name: 'Accueil' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toContain('Bonjour');
  expect(await page.locator('main').textContent()).toContain('Reprendre le budget prévisionnel avec Olivier');
  problems.push(...(await seriousViolations(page)));

  await page.getByRole('link', { name: 'Personnes' }).click();
  await page.getByLabel('Nom ou téléphone').fill(lastName);
  await page.getByRole('button', { name: 'Chercher' }).click();
  await page.waitForURL(/\/personnes\?r=/);
  expect(page.url()).not.toContain(lastName);
  problems.push(...(await seriousViolations(page)));
  await page.getByRole('link', { name: new RegExp(lastName) }).click();
  await page.waitForURL(/\/personnes\/\d+$/);
  problems.push(...(await seriousViolations(page)));

  await page.getByRole('button', { name: 'Commencer un accompagnement' }).click();
  await page.waitForURL(/\/accompagnements\/\d+\?fait=start/);
  expect(await page.getByRole('status').first().textContent()).toContain('Accompagnement commencé');
  problems.push(...(await seriousViolations(page)));

  const due = addDays(parisDate(), 2);
  await page.getByLabel('Type', { exact: true }).selectOption('entretien');
  await page.getByLabel('Note', { exact: true }).fill('Premier entretien : projet de jardin partagé.');
  await page.getByLabel('Prochaine action (facultatif)').fill('Envoyer le dossier de la fondation');
  await page.getByLabel('Échéance de l’action').fill(due);
  await page.getByRole('button', { name: 'Enregistrer la note' }).click();
  await page.waitForURL(/fait=note/);
  expect(await page.locator('main').textContent()).toContain('Premier entretien : projet de jardin partagé.');

  await page.getByRole('link', { name: 'Mes actions' }).click();
  await page.waitForURL(/\/actions$/);
  const mine = page.getByRole('listitem').filter({ hasText: 'Envoyer le dossier de la fondation' });
  await expect.poll(() => mine.count()).toBe(1);
  expect(await mine.textContent()).toContain(`Yasmine ${lastName}`);
  // The demo's late action comes before it.
  const text = (await page.locator('main').textContent()) ?? '';
  expect(text.indexOf('Reprendre le budget prévisionnel')).toBeLessThan(
    text.indexOf('Envoyer le dossier de la fondation'),
  );
  problems.push(...(await seriousViolations(page)));

  await mine.getByRole('link', { name: 'voir la note' }).click();
  await page.waitForURL(/\/notes\/\d+$/);
  problems.push(...(await seriousViolations(page)));
  await page.getByRole('link', { name: 'Accompagnements' }).click();
  await page.waitForURL(/\/accompagnements$/);
  expect(await page.locator('main').textContent()).toContain('Sans contact depuis plus de 45 jours');
  problems.push(...(await seriousViolations(page)));
  // Manual entry: the form, then its error state, without serious violations either.
  await page.goto(`${server.url}/personnes/nouvelle`);
  problems.push(...(await seriousViolations(page)));
  await page.getByLabel('Prénom').fill('Sans');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  expect(await page.locator('#phone-erreur').textContent()).toContain('Indiquez votre numéro de téléphone.');
  expect(await page.getByLabel('Prénom').inputValue()).toBe('Sans');
  problems.push(...(await seriousViolations(page)));
  // No page is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(problems).toEqual([]);
  await context.close();
});
