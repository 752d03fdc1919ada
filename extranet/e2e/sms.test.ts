import { addDays, parisInstant } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { brevoReport, type FakeBrevo, startFakeBrevo } from '../test/support/fake-brevo.ts';
import { addEvent, eventRequest, intake } from '../test/support/fixtures.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * The SMS pages in Chromium at phone size, against the built extranet and a fake Brevo on
 * 127.0.0.1: the « SMS » page, an undelivered SMS back in « À appeler » with its form, the request
 * page saying what became of each message, the person's file after a STOP with the form that resumes
 * SMS, and the admin's monthly volume. axe-core on each.
 */

/** The next Tuesday, 10:00 Paris: SMS leave at once (the session is 30 days after today). */
function tuesdayMorning(): string {
  let day = addDays(new Date().toISOString().slice(0, 10), 1);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return parisInstant(day, '10:00').toISOString();
}

let brevo: FakeBrevo;
let server: RunningServer;
let browser: Browser;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 390, height: 844 },
    bypassCSP: true,
  });
  return context.newPage();
}

beforeAll(async () => {
  brevo = await startFakeBrevo();
  server = await startServer('sqlite', {
    MAILLAGE_NOW: tuesdayMorning(),
    SMS_PROVIDER: 'brevo',
    BREVO_API_KEY: brevo.apiKey,
    BREVO_API_URL: brevo.url,
    SMS_SENDER: 'Maillage',
  });
  await addEvent(server.db, 'ev-e2e-sms', 'valenciennois', 10);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await brevo?.stop();
});

it('shows SMS, their delivery, an undelivered one to call and a STOP, with no serious axe violation', async () => {
  const requests: Array<{ id: number; personId: number; webUrl: string; recipient: string }> = [];
  for (const firstName of ['Samia', 'Théo']) {
    const body = eventRequest('ev-e2e-sms', { firstName, email: undefined, preferredContact: 'sms' });
    const res = await intake(server.url, body);
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    const reg = await server.db.db
      .selectFrom('registration')
      .select(['id', 'person_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const recipient = `33${String(body.phone).slice(1)}`;
    await expect
      .poll(() => brevo.accepted.some((s) => s.recipient === recipient), { timeout: 20_000 })
      .toBe(true);
    const sms = brevo.accepted.find((s) => s.recipient === recipient);
    requests.push({ id: reg.id, personId: reg.person_id, webUrl: sms?.webUrl ?? '', recipient });
  }
  const [samia, theo] = requests as [(typeof requests)[0], (typeof requests)[0]];
  const smsOf = (r: typeof samia) => brevo.accepted.find((s) => s.recipient === r.recipient);
  expect((await brevo.report(samia.webUrl, brevoReport(smsOf(samia)!, 'delivered'))).status).toBe(200);
  expect((await brevo.report(theo.webUrl, brevoReport(smsOf(theo)!, 'hardBounce'))).status).toBe(200);

  const page = await newPage();
  const problems = cspViolations(page);
  await signInPage(page, server.url, 'conseiller@maillage.test');

  await page.goto(`${server.url}/sms`);
  await page.getByText('SMS délivré le').first().waitFor();
  problems.push(...(await seriousViolations(page)));

  await page.goto(`${server.url}/a-appeler`);
  await page.getByText('Non délivré (numéro invalide) : à appeler').waitFor();
  problems.push(...(await seriousViolations(page)));
  await page.getByLabel('SMS envoyé à la main').check();
  await page.getByRole('button', { name: /Enregistrer le SMS à Théo/ }).click();
  await page.waitForURL(/\/a-appeler\?fait=sms-envoye/);
  expect(await page.getByText('Non délivré (numéro invalide)').count()).toBe(0);

  await page.goto(`${server.url}/demandes/${samia.id}`);
  await page.getByText('SMS délivré le').first().waitFor();
  problems.push(...(await seriousViolations(page)));

  expect(
    (await brevo.report(samia.webUrl, brevoReport(smsOf(samia)!, 'replied', { reply: 'STOP' }))).status,
  ).toBe(200);
  await page.goto(`${server.url}/personnes/${samia.personId}`);
  await page.getByText('A répondu STOP : plus de SMS').first().waitFor();
  await page.getByText('Recevoir de nouveau des SMS').click();
  problems.push(...(await seriousViolations(page)));
  await page.getByRole('button', { name: 'Reprendre les SMS' }).click();
  await page.getByText('Cochez la case : seule la personne peut le demander.').waitFor();
  problems.push(...(await seriousViolations(page)));

  const admin = await newPage();
  problems.push(...cspViolations(admin));
  await signInPage(admin, server.url, 'admin@maillage.test');
  await admin.goto(`${server.url}/admin/sms`);
  await admin.getByRole('heading', { name: 'Volume des SMS' }).waitFor();
  problems.push(...(await seriousViolations(admin)));

  expect(problems).toEqual([]);
});
