import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { DEMO_PARCOURS_ID } from '../src/features/demo/followup-sessions.service.ts';
import { signCancelToken } from '../src/features/notifications/cancel-link.rules.ts';
import { signInPage, waitUntil } from '../test/support/chromium.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 10's sessions journey in Chromium on a phone-sized screen (390 × 844): the demo advisor
 * opens the Parcours in progress of the demo data and records attendance row by row, with
 * JavaScript and without. The BUILT extranet runs against a loopback stand-in for the CMS that
 * publishes no session and the association's settings (name, funders), so the demo data is seeded
 * as at a real start and the sign-in sheet prints what the CMS says. axe-core checks every new page.
 */

const PHONE = { viewport: { width: 390, height: 844 }, locale: 'fr-FR', bypassCSP: true } as const;

let cms: Server;
let server: RunningServer;
let url = '';
let db: Db;
let browser: Browser;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  cms = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://cms').pathname;
    const body =
      path === '/api/events'
        ? { data: [], meta: { pagination: { page: 1, pageCount: 1 } } }
        : path === '/api/global'
          ? {
              data: {
                siteName: 'Maillage Hainaut-Cambrésis',
                contactEmail: 'contact@maillage.test',
                contactPhone: '0327000000',
                funders: [
                  {
                    name: 'Région Hauts-de-France',
                    mention: 'Action soutenue par la Région Hauts-de-France.',
                  },
                ],
              },
            }
          : { data: [] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const cmsPort = await listen(cms);
  server = await startServer('sqlite', { CMS_URL: `http://127.0.0.1:${cmsPort}`, CMS_EXTRANET_TOKEN: 'e2e' });
  url = server.url;
  db = server.db;
  await waitUntil(
    async () =>
      (await db.db
        .selectFrom('attendance')
        .innerJoin('registration', 'registration.id', 'attendance.registration_id')
        .select('attendance.id')
        .where('registration.event_id', '=', DEMO_PARCOURS_ID)
        .executeTakeFirst()) !== undefined,
    'le Parcours de démonstration n’est pas arrivé',
    60_000,
    300,
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((r) => cms?.close(r));
});

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signInPage(page, url, 'conseiller@maillage.test');
  return page;
}

async function mark(first: string, last: string, halfDay: string) {
  const row = await db.db
    .selectFrom('attendance')
    .innerJoin('registration', 'registration.id', 'attendance.registration_id')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select(['attendance.status', 'attendance.recorded_by'])
    .where('person.first_name', '=', first)
    .where('person.last_name', '=', last)
    .where('attendance.slot_date', '=', halfDay)
    .executeTakeFirst();
  return row ?? null;
}

async function slotDates(): Promise<string[]> {
  const event = await db.db
    .selectFrom('event_copy')
    .select('slots_json')
    .where('document_id', '=', DEMO_PARCOURS_ID)
    .executeTakeFirstOrThrow();
  return (JSON.parse(event.slots_json) as { date: string }[]).map((s) => s.date);
}

/** The page fits the phone's width: no sideways scrolling of the page itself. */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

it('the demo advisor records attendance for the Parcours in progress, on a phone, in a few taps', async () => {
  const context = await browser.newContext(PHONE);
  const page = await signIn(context);
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page.waitForURL(/\/sessions$/);
  expect(await seriousViolations(page)).toEqual([]);
  expect(await fitsWidth(page)).toBe(true);
  await page.getByRole('link', { name: /Parcours des Possibles à Valenciennes \(en cours\)/ }).click();
  await page.waitForURL(new RegExp(`/sessions/${DEMO_PARCOURS_ID}$`));
  expect(await seriousViolations(page)).toEqual([]);
  expect(await fitsWidth(page)).toBe(true);

  // The half-day shown is the last one gone: Fatou Diarra has nothing recorded there yet.
  const third = (await slotDates())[2]!;
  expect(await mark('Fatou', 'Diarra', third)).toBeNull();
  await page.getByRole('button', { name: 'Présent·e : Fatou Diarra' }).click();
  await page.waitForURL(/note=\d+#p-\d+$/);
  const row = page.locator('li.row', { hasText: 'Fatou Diarra' }).first();
  await expect.poll(() => row.textContent()).toContain('Noté : Présent·e');
  expect(await mark('Fatou', 'Diarra', third)).toMatchObject({ status: 'present' });
  // A mistake, corrected in one more tap.
  await page.getByRole('button', { name: 'Absent·e : Yanis Mebarki' }).click();
  await page.waitForURL(/note=\d+#p-\d+$/);
  await page.getByRole('button', { name: 'Excusé·e : Yanis Mebarki' }).click();
  await page.waitForURL(/note=\d+#p-\d+$/);
  expect(await mark('Yanis', 'Mebarki', third)).toMatchObject({ status: 'excused' });
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

it('works the same with JavaScript off: each tap posts one row and comes back to it', async () => {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const page = await signIn(context);
  await page.goto(`${url}/sessions/${DEMO_PARCOURS_ID}`);
  const first = (await slotDates())[0]!;
  // Another half-day: the first one (Ludovic Hennebert was noted excused; he came after all).
  await page.getByRole('navigation', { name: 'Demi-journées' }).getByRole('link').first().click();
  await page.waitForURL(/demi-journee=/);
  expect(await mark('Ludovic', 'Hennebert', first)).toMatchObject({ status: 'excused' });
  await page.getByRole('button', { name: 'Présent·e : Ludovic Hennebert' }).click();
  await page.waitForURL(/note=\d+#p-\d+$/);
  expect(page.url()).toContain(`demi-journee=${first}`);
  expect(await mark('Ludovic', 'Hennebert', first)).toMatchObject({ status: 'present' });
  expect(await page.locator('li.row', { hasText: 'Ludovic Hennebert' }).first().textContent()).toContain(
    'Noté : Présent·e',
  );
  // The correction is in the audit log with the status before and after.
  const log = await db.db
    .selectFrom('audit_log')
    .select('details_json')
    .where('action', '=', 'attendance.correct')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  expect(JSON.parse(log.details_json ?? '{}')).toMatchObject({ from: 'excused', to: 'present' });
  expect(await fitsWidth(page)).toBe(true);
  await context.close();
});

it('prints the sign-in sheet with the CMS’s association name and funders, and the public cancel page passes axe', async () => {
  const context = await browser.newContext(PHONE);
  const page = await signIn(context);
  const res = await page.request.get(`${url}/sessions/${DEMO_PARCOURS_ID}/emargement.pdf`);
  expect(res.status()).toBe(200);
  const { text } = await extractText(new Uint8Array(await res.body()), { mergePages: true });
  expect(text).toContain('Maillage Hainaut-Cambrésis');
  expect(text).toContain('Action soutenue par la Région Hauts-de-France.');
  expect(text).toContain('DIARRA Fatou');
  const anonymous = await browser.newContext(PHONE);
  const visitor = await anonymous.newPage();
  const answer = await visitor.goto(`${url}/je-ne-peux-pas-venir?t=1.1.forged`);
  expect(answer?.status()).toBe(404);
  expect(await seriousViolations(visitor)).toEqual([]);
  // A genuine link (signed as the e-mails sign it) shows the confirmation button; GET changes nothing.
  // This person is on the waiting list: the page offers to leave it (no place to give up).
  const waiting = await db.db
    .selectFrom('registration')
    .select('id')
    .where('event_id', '=', DEMO_PARCOURS_ID)
    .where('status', '=', 'waitlisted')
    .executeTakeFirstOrThrow();
  const token = signCancelToken(
    server.env.BETTER_AUTH_SECRET as string,
    waiting.id,
    Math.floor(Date.now() / 1000) + 3600,
  );
  expect((await visitor.goto(`${url}/je-ne-peux-pas-venir?t=${token}`))?.status()).toBe(200);
  await visitor.getByRole('button', { name: 'Je ne veux plus de place' }).waitFor();
  expect(await visitor.locator('main').textContent()).toContain('Vous êtes sur la liste d’attente');
  expect(await seriousViolations(visitor)).toEqual([]);
  expect(await fitsWidth(visitor)).toBe(true);
  await anonymous.close();
  await context.close();
});
