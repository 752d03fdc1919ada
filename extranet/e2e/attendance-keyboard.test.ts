import { parisDate } from '@maillage/platform/clock';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { signInPage } from '../test/support/chromium.ts';
import { insertPerson, registrationRow } from '../test/support/rows.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Issue 19: a half-day's attendance by keyboard only, in Chromium, on pages without any script — from
 * « Ma journée » to the roster, each exception chosen with the arrow keys on its person's row, the
 * whole half-day saved by one press of Enter (one request). The BUILT extranet, axe-core checked.
 */

let server: RunningServer;
let browser: Browser;
const ids: Record<string, number> = {};
const today = parisDate();

beforeAll(async () => {
  server = await startServer('sqlite');
  const db = server.db.db;
  await upsertEventCopy(db, {
    documentId: 'e2e-clavier',
    title: 'Parcours au clavier',
    kind: 'session',
    programTitle: 'Parcours des Possibles',
    programKind: 'parcours',
    territory: 'valenciennois',
    territoryName: 'Valenciennois',
    slots: [{ date: today, start: '00:00', end: '23:59' }],
    capacity: 10,
    venue: { name: 'Salle', address: '1 rue de la Mairie', postcode: '59300', commune: 'Valenciennes' },
  });
  for (const [i, name] of ['Alma', 'Basile', 'Capucine'].entries()) {
    const at = new Date(Date.now() - 86_400_000 + i * 60_000).toISOString();
    const person = await insertPerson(db, at, {
      first_name: name,
      last_name: 'Clavier',
      phone: `+3367${String(20_000_000 + i).slice(-7)}`,
    });
    ids[name] = (
      await db
        .insertInto('registration')
        .values(
          registrationRow({
            reference: `MAI-2026-5${String(i).padStart(5, '0')}`,
            person_id: person,
            event_id: 'e2e-clavier',
            territory: 'valenciennois',
            created_at: at,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Presses Tab until the focused element is the one `matches(arg)` says, or fails after `max` presses. */
async function tabTo(page: Page, matches: (arg: string) => boolean, arg = '', max = 200): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches, arg)) return;
  }
  throw new Error(`focus never reached the element (${arg})`);
}

it('records a half-day by keyboard only, with no script on the page: all present, two exceptions, one Enter', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await signInPage(page, server.url, 'conseiller@maillage.test');
  expect(await seriousViolations(page)).toEqual([]);

  // « Ma journée » on the home page: today's half-day, its one action a link, reached by Tab.
  const focusedText = (text: string) => (document.activeElement?.textContent ?? '').includes(text);
  const focusedName = (name: string) => (document.activeElement as HTMLInputElement | null)?.name === name;
  await tabTo(page, focusedText, 'Noter les présences : Parcours au clavier');
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') requests.push(r.url());
  });
  await Promise.all([
    page.waitForURL(/\/sessions\/e2e-clavier\?demi-journee=/),
    page.keyboard.press('Enter'),
  ]);
  expect(await seriousViolations(page)).toEqual([]);

  // Basile: absent (one arrow from « présent·e »); Capucine: excusée (two arrows). Alma stays present.
  // No script on the page: the form is plain HTML, so it works the same without JavaScript.
  expect(await page.locator('script').count()).toBe(0);
  await tabTo(page, focusedName, `x-${ids.Basile}`);
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('present');
  await page.keyboard.press('ArrowRight');
  await tabTo(page, focusedName, `x-${ids.Capucine}`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  // The one button that saves the whole half-day, then Enter: one request.
  await tabTo(page, () =>
    (document.activeElement?.textContent ?? '').includes('Tous présents, sauf les exceptions'),
  );
  await Promise.all([page.waitForURL(/tous=3/), page.keyboard.press('Enter')]);
  expect(requests).toHaveLength(1);
  expect(await page.getByRole('status').filter({ hasText: 'notée(s)' }).textContent()).toContain(
    '3 personne(s) notée(s) : 1 présente(s), 2 absente(s) ou excusée(s).',
  );
  expect(await seriousViolations(page)).toEqual([]);

  const marks = await server.db.db
    .selectFrom('attendance')
    .select(['registration_id', 'status'])
    .where('registration_id', 'in', Object.values(ids))
    .execute();
  const byId = Object.fromEntries(marks.map((m) => [m.registration_id, m.status]));
  expect([byId[ids.Alma!], byId[ids.Basile!], byId[ids.Capucine!]]).toEqual(['present', 'absent', 'excused']);
  await context.close();
});
