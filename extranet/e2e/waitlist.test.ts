import { addDays, parisDate } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { signCancelToken } from '../src/features/notifications/cancel-link.rules.ts';
import { signInPage } from '../test/support/chromium.ts';
import { insertPerson, registrationRow } from '../test/support/rows.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * The waiting list's offer in Chromium on a phone, JavaScript off (issue 18 part 3): a person frees
 * their place from their link, the next person opens the offer's short link and accepts it; the
 * roster shows the offer and « Tous présents »; the admin's settings page. axe-core on each page.
 */

const PHONE = { viewport: { width: 390, height: 844 }, locale: 'fr-FR', bypassCSP: true } as const;

let server: RunningServer;
let browser: Browser;
const ids: Record<string, number> = {};

async function enrol(
  name: string,
  status: 'accepted' | 'waitlisted',
  minutes: number,
  eventId = 'e2e-wl',
): Promise<number> {
  const db = server.db.db;
  const at = new Date(Date.now() - 86_400_000 + minutes * 60_000).toISOString();
  const person = await insertPerson(db, at, {
    first_name: name,
    last_name: 'Essai',
    phone: `+3367${String(10_000_000 + minutes).slice(-7)}`,
    email: `${name.toLowerCase()}@exemple.test`,
  });
  const reg = await db
    .insertInto('registration')
    .values(
      registrationRow({
        reference: `MAI-2026-6${String(minutes).padStart(5, '0')}`,
        person_id: person,
        event_id: eventId,
        territory: 'valenciennois',
        status,
        created_at: at,
        preferred_contact: 'email',
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return reg.id;
}

beforeAll(async () => {
  server = await startServer('sqlite');
  const today = parisDate();
  const session = (id: string, dates: string[], capacity: number) =>
    upsertEventCopy(server.db.db, {
      documentId: id,
      title: `Parcours création à Saint-Amand-les-Eaux ${id}`,
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'valenciennois',
      territoryName: 'Valenciennois',
      slots: dates.map((date) => ({ date, start: '09:00', end: '12:00' })),
      capacity,
      venue: {
        name: 'Maison des associations',
        address: '2 rue',
        postcode: '59230',
        commune: 'Saint-Amand-les-Eaux',
      },
    });
  // One to come (its place freed and offered), one held today (the roll call).
  await session('e2e-wl', [addDays(today, 2), addDays(today, 4)], 1);
  await session('e2e-today', [today, addDays(today, 2)], 5);
  await enrol('Tess', 'accepted', 3, 'e2e-today');
  await enrol('Ugo', 'accepted', 4, 'e2e-today');
  ids.gone = await enrol('Gaelle', 'accepted', 1);
  ids.next = await enrol('Nadia', 'waitlisted', 2);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

it('frees a place from the link, and the next person accepts it on /p/<code>, JavaScript off', async () => {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  const token = signCancelToken(
    server.env.BETTER_AUTH_SECRET as string,
    ids.gone!,
    Math.floor(Date.now() / 1000) + 86_400,
  );
  await page.goto(`${server.url}/je-ne-peux-pas-venir?t=${token}`);
  await page.getByRole('button', { name: 'Je confirme : je ne peux pas venir' }).click();
  await page.waitForURL(/fait=1/);
  const mail = await server.db.db
    .selectFrom('outbox')
    .select('text_body')
    .where('to_address', '=', 'nadia@exemple.test')
    .where('kind', '=', 'place-offer')
    .executeTakeFirstOrThrow();
  const link = /https?:\/\/\S+\/p\/[A-Za-z0-9_-]{22}/.exec(mail.text_body)?.[0] ?? '';
  expect(link).not.toBe('');
  // axe runs in the page: a context with JavaScript looks at it first (a GET changes nothing).
  const checker = await browser.newContext(PHONE);
  const look = await checker.newPage();
  await look.goto(link);
  expect(await look.locator('h1').textContent()).toBe('Parcours création à Saint-Amand-les-Eaux e2e-wl');
  expect(await seriousViolations(look)).toEqual([]);
  expect(await fitsWidth(look)).toBe(true);
  await page.goto(link);
  await page.getByRole('button', { name: 'J’accepte la place' }).click();
  await page.waitForURL(/reponse=accepted/);
  expect(await page.locator('.alert.ok').textContent()).toContain('votre place est confirmée');
  await look.goto(page.url());
  expect(await seriousViolations(look)).toEqual([]);
  await checker.close();
  const row = await server.db.db
    .selectFrom('registration')
    .select('status')
    .where('id', '=', ids.next!)
    .executeTakeFirstOrThrow();
  expect(row.status).toBe('accepted');
  await context.close();
});

it('shows the offer on the roster and « Tous présents » marks the day', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signInPage(page, server.url, 'conseiller@maillage.test');
  await page.goto(`${server.url}/sessions/e2e-wl`);
  await page.getByRole('heading', { name: 'Places proposées (1)' }).waitFor();
  expect(await page.locator('section', { hasText: 'Places proposées' }).textContent()).toMatch(
    /Nadia Essai · proposée par courriel le .*acceptée/s,
  );
  expect(await seriousViolations(page)).toEqual([]);
  expect(await fitsWidth(page)).toBe(true);
  await page.goto(`${server.url}/sessions/e2e-today`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Tous présents' }).click();
  await page.waitForURL(/tous=2#demi-journee$/);
  for (const name of ['Tess Essai', 'Ugo Essai'])
    expect(await page.locator('li.row', { hasText: name }).first().textContent()).toContain(
      'Noté : Présent·e',
    );
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

it('lets the admin set the waiting list’s settings on an accessible page', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signInPage(page, server.url, 'admin@maillage.test');
  await page.goto(`${server.url}/admin/reglages`);
  await page.getByLabel('Délai pour répondre, en heures').fill('24');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Enregistrer les réglages' }).click();
  await page.waitForURL(/fait=1/);
  const saved = await server.db.db
    .selectFrom('waitlist_setting')
    .select(['offer_hours', 'max_offers', 'no_show_rule'])
    .executeTakeFirstOrThrow();
  expect(saved).toEqual({ offer_hours: 24, max_offers: 2, no_show_rule: 0 });
  await context.close();
});
