import { addDays, parisDate } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { addEvent, eventRequest, intake } from '../test/support/fixtures.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 18's appointments in Chromium on a phone-sized screen, against the built extranet: the
 * demo advisor books an appointment from a person's file — with JavaScript off, as the forms must
 * work without it — is refused a clash with the form kept, then finds the appointment in the
 * agenda. axe-core checks each page on the way (in a context with JavaScript, which axe needs).
 */

let server: RunningServer;
let browser: Browser;
let personId: number;
const lastName = `Rendezvous-${Date.now().toString(36)}`;
const day = addDays(parisDate(), 2);

beforeAll(async () => {
  server = await startServer('sqlite');
  await addEvent(server.db, 'ev-e2e', 'valenciennois', 10);
  const res = await intake(server.url, eventRequest('ev-e2e', { firstName: 'Nadia', lastName }));
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

async function phone(javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 390, height: 844 },
    javaScriptEnabled,
    bypassCSP: true,
  });
  const page = await context.newPage();
  await signInPage(page, server.url, 'conseiller@maillage.test');
  return page;
}

it('the advisor books an appointment from a person’s file without JavaScript, and finds it in the agenda', async () => {
  const page = await phone(false);
  await page.goto(`${server.url}/personnes/${personId}`);
  await page.getByLabel('Date du rendez-vous').fill(day);
  await page.getByLabel('Heure (heure de Paris)').fill('10:00');
  await page.getByLabel('Durée').selectOption('60');
  await page.getByLabel('Au bureau de Maillage').check();
  await page.getByRole('button', { name: 'Fixer le rendez-vous' }).click();
  await page.waitForURL(/\/rendez-vous\/\d+\?fait=book/);
  expect(await page.getByRole('status').first().textContent()).toContain('Rendez-vous fixé.');
  const appointmentUrl = page.url();

  // A second one at 10:30 clashes: refused in French, what was typed kept.
  await page.goto(`${server.url}/personnes/${personId}`);
  await page.getByLabel('Date du rendez-vous').fill(day);
  await page.getByLabel('Heure (heure de Paris)').fill('10:30');
  await page.getByLabel('Adresse, partenaire ou lien de la visio').fill('Salle du fond');
  await page.getByRole('button', { name: 'Fixer le rendez-vous' }).click();
  expect(await page.locator('#rdv-time-erreur').textContent()).toContain(
    'Vous avez déjà un rendez-vous de 10:00 à 11:00 ce jour-là.',
  );
  expect(await page.getByLabel('Heure (heure de Paris)').inputValue()).toBe('10:30');
  expect(await page.getByLabel('Adresse, partenaire ou lien de la visio').inputValue()).toBe('Salle du fond');
  const refusedUrl = page.url();

  await page.getByRole('link', { name: 'Agenda' }).first().click();
  await page.goto(`${server.url}/agenda?semaine=${day}`);
  const entry = page.getByRole('listitem').filter({ hasText: `Nadia ${lastName}` });
  await expect.poll(() => entry.count()).toBe(1);
  expect(await entry.textContent()).toContain('10:00–11:00');
  const agendaUrl = page.url();
  await page.context().close();

  // The same pages, checked by axe (it runs in the page: JavaScript on), and no wider than the phone.
  const checked = await phone(true);
  const problems = cspViolations(checked);
  for (const url of [`${server.url}/personnes/${personId}`, appointmentUrl, agendaUrl]) {
    await checked.goto(url);
    problems.push(...(await seriousViolations(checked)));
    expect(await checked.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }
  // The refusal's page (the form with its errors), as it came back.
  expect(refusedUrl).toContain('/personnes/');
  await checked.goto(`${server.url}/personnes/${personId}`);
  await checked.getByLabel('Date du rendez-vous').fill(day);
  await checked.getByLabel('Heure (heure de Paris)').fill('10:30');
  await checked.getByRole('button', { name: 'Fixer le rendez-vous' }).click();
  await expect.poll(() => checked.locator('#rdv-time-erreur').count()).toBe(1);
  problems.push(...(await seriousViolations(checked)));
  expect(problems).toEqual([]);
  await checked.context().close();
});
