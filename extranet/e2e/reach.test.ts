import { parisInstant } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { brevoReport, type FakeBrevo, startFakeBrevo } from '../test/support/fake-brevo.ts';
import { insertPerson } from '../test/support/rows.ts';
import { type RunningServer, startServer, throwawayDatabase } from '../test/support/server.ts';

/**
 * Issue 18's journey in Chromium at phone size, against the built extranet and a fake Brevo on
 * 127.0.0.1: on a winter Monday the demo advisor books an appointment for Thursday with a person
 * who chose SMS; the confirmation SMS leaves; the reminder « two days before at 09:00 » does not
 * leave at 08:59 and leaves at 09:00 on Tuesday (the server restarted with the clock set each time);
 * the person's short link cancels the appointment without signing in; the advisor's agenda shows
 * the slot freed. axe-core checks every new page.
 */

const MONDAY = '2027-01-11';
const TUESDAY = '2027-01-12';
const THURSDAY = '2027-01-14';
const ADVISOR = 'conseiller@maillage.test';

let brevo: FakeBrevo;
let server: RunningServer;
let browser: Browser;
let personId: number;
/** one database for the successive servers (a server given one leaves it in place when stopped) */
let database: Awaited<ReturnType<typeof throwawayDatabase>>;

function smsEnv(now: string): Record<string, string> {
  return {
    MAILLAGE_NOW: now,
    SMS_PROVIDER: 'brevo',
    BREVO_API_KEY: brevo.apiKey,
    BREVO_API_URL: brevo.url,
    SMS_SENDER: 'Maillage',
  };
}

/** The same database, the server restarted as if it were `now` (Paris). */
async function restartAt(date: string, time: string): Promise<void> {
  await server.stop();
  server = await startServer('sqlite', smsEnv(parisInstant(date, time).toISOString()), database);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 390, height: 844 },
    bypassCSP: true,
  });
  return context.newPage();
}

const received = (text: RegExp) => brevo.accepted.filter((s) => text.test(s.content));

beforeAll(async () => {
  brevo = await startFakeBrevo();
  database = await throwawayDatabase('sqlite');
  server = await startServer('sqlite', smsEnv(parisInstant(MONDAY, '15:00').toISOString()), database);
  personId = await insertPerson(server.db.db, parisInstant(MONDAY, '09:00').toISOString(), {
    first_name: 'Samia',
    last_name: 'Journée',
    phone: '+33612345670',
    territory: 'valenciennois',
    preferred_contact: 'sms',
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
  await brevo?.stop();
});

it('books an appointment, reminds the person by SMS at 09:00 two days before, and the person’s link frees the slot', async () => {
  const page = await newPage();
  const problems = cspViolations(page);
  await signInPage(page, server.url, ADVISOR);

  // Monday 15:00: the appointment, from the person's file.
  await page.goto(`${server.url}/personnes/${personId}`);
  problems.push(...(await seriousViolations(page)));
  await page.getByLabel('Date').first().fill(THURSDAY);
  await page.getByLabel('Heure (heure de Paris)').first().fill('14:00');
  await page.getByRole('button', { name: 'Fixer le rendez-vous' }).click();
  await page.waitForURL(/\/rendez-vous\/\d+\?fait=book/);
  const main = (await page.locator('main').textContent()) ?? '';
  expect(main).toContain('14:00');
  // The page says what was done with the message, and does not claim the person was told.
  expect(main).toMatch(/SMS/);
  expect(main).not.toMatch(/personne est prévenue/i);
  problems.push(...(await seriousViolations(page)));

  // The confirmation SMS reaches the provider (the worker runs every 2 s): one segment, GSM-7.
  await expect.poll(() => received(/14h00/).length, { timeout: 20_000 }).toBeGreaterThan(0);
  const confirmation = received(/14h00/)[0]!;
  expect(confirmation.recipient).toBe('33612345670');
  expect(confirmation.content.length).toBeLessThanOrEqual(160);
  const before = brevo.accepted.length;

  // Tuesday 08:59:30: the job runs (9 s after start) — too early for the reminder.
  await restartAt(TUESDAY, '08:59:30');
  await new Promise((r) => setTimeout(r, 14_000));
  expect(brevo.accepted.length).toBe(before);

  // Tuesday 09:00:05: the reminder leaves, once, with the short « je ne peux pas venir » link.
  await restartAt(TUESDAY, '09:00:05');
  await expect.poll(() => brevo.accepted.length, { timeout: 30_000 }).toBe(before + 1);
  const reminder = brevo.accepted.at(-1)!;
  expect(reminder.content.length).toBeLessThanOrEqual(160);
  // The operator's delivery report reaches the extranet through the message's own callback URL.
  const report = await brevo.report(reminder.webUrl, brevoReport(reminder, 'delivered'));
  expect(report.status).toBe(200);
  const link = /https?:\/\/\S+\/a\/[A-Za-z0-9_-]{22}/.exec(reminder.content)?.[0];
  expect(link).toBeTruthy();

  // The person, on their phone, without signing in.
  const person = await newPage();
  const path = new URL(link as string).pathname;
  await person.goto(`${server.url}${path}`);
  expect(await person.locator('main').textContent()).toContain('14:00');
  problems.push(...(await seriousViolations(person)));
  await person.getByRole('button', { name: 'J’annule ce rendez-vous' }).click();
  await person.getByRole('status').waitFor();
  const cancelled = (await person.getByRole('status').textContent()) ?? '';
  expect(cancelled).toContain('votre rendez-vous est annulé');
  // Whom to call (with the team's number once the CMS gave it): an SMS cannot be answered.
  expect(cancelled).toContain('appelez Maillage — équipe du Valenciennois');
  problems.push(...(await seriousViolations(person)));

  // The advisor's agenda: the slot is freed.
  const advisor = await newPage();
  await signInPage(advisor, server.url, ADVISOR);
  await advisor.goto(`${server.url}/personnes/${personId}`);
  expect(await advisor.locator('main').textContent()).toMatch(/SMS délivré le mardi 12 janvier à 09:0\d/);
  await advisor.goto(`${server.url}/agenda?semaine=${THURSDAY}`);
  const agenda = (await advisor.locator('main').textContent()) ?? '';
  expect(agenda).toContain('Samia');
  expect(agenda).toMatch(/annulé/i);
  problems.push(...(await seriousViolations(advisor)));

  expect(problems).toEqual([]);
}, 180_000);
