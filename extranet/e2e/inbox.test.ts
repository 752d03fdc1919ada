import { seriousViolations } from '@maillage/scripts/testing/axe';
import type { Platform } from '@maillage/scripts/testing/platform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { cspViolations, type DemoPlatform, signInPage, startDemoPlatform } from '../test/support/chromium.ts';

/**
 * Issue 4's journey in Chromium against the built site, the built extranet and a real seeded
 * Strapi: the demo advisor signs in, finds a registration by name, accepts it, and the site's
 * event page shows one place less. axe-core checks the extranet pages on the way.
 */

let platform: Platform;
let browser: Browser;
let db: Db;

/** Places left as a visitor sees them on the site's event page (fresh context: no browser cache). */
async function placesLeft(slug: string): Promise<number> {
  const context = await browser.newContext({ locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    await page.goto(`${platform.siteUrl}/agenda/${slug}`);
    const text = (await page.locator('main').textContent()) ?? '';
    const m = text.match(/Il reste\s+(\d+)\s+place/);
    return m ? Number(m[1]) : -1;
  } finally {
    await context.close();
  }
}

let demo: DemoPlatform;

beforeAll(async () => {
  demo = await startDemoPlatform();
  ({ platform, db, browser } = demo);
});

afterAll(() => demo?.stop());

it('the demo advisor finds a registration by name, accepts it, and the site shows one place less', async () => {
  const target = await db.db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .innerJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
    .select(['registration.id', 'person.last_name', 'event_copy.slug', 'event_copy.document_id'])
    .where('registration.status', '=', 'received')
    .where('registration.territory', 'in', ['valenciennois', 'douaisis'])
    .orderBy('registration.id')
    .executeTakeFirstOrThrow();
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const violations = cspViolations(page);
  const before = await placesLeft(target.slug as string);
  expect(before).toBeGreaterThan(0);

  await page.goto(platform.extranetUrl);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel('Adresse e-mail').fill('conseiller@maillage.test');
  await page.getByLabel('Mot de passe').fill('maillage-demo-2026');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  // Signed in, the advisor lands on the home page (« Ma journée »); the decisions waiting are a link away.
  await page.waitForURL((url) => url.pathname === '/');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('link', { name: /demande\(s\) attendent une décision/ }).click();
  await page.waitForURL(/\/demandes/);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel('Nom, téléphone ou référence').fill(target.last_name as string);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForURL(/r=/);
  expect(page.url()).not.toContain(target.last_name as string);
  await page
    .getByRole('link', { name: new RegExp(target.last_name as string) })
    .first()
    .click();
  await page.waitForURL(/\/demandes\/\d+/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('radio', { name: 'Accepter' }).check();
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForURL(/fait=accept/);
  expect(await page.getByRole('status').first().textContent()).toContain('Inscription acceptée');

  const entry = (await (
    await fetch(`${platform.extranetUrl}/api/public/availability/${target.document_id}`)
  ).json()) as { left: number };
  expect(entry.left).toBe(before - 1);
  // The site caches pages and availability for a few seconds: wait for the new figure.
  await expect
    .poll(() => placesLeft(target.slug as string), { timeout: 45_000, interval: 3000 })
    .toBe(before - 1);
  expect(violations).toEqual([]);
  await context.close();
});

it('the admin pages (accounts, audit log, security) have no serious accessibility violation', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const violations = cspViolations(page);
  await signInPage(page, platform.extranetUrl, 'admin@maillage.test');
  const problems: string[] = [];
  for (const path of ['/admin/comptes', '/admin/journal', '/compte/securite', '/mot-de-passe-oublie']) {
    await page.goto(`${platform.extranetUrl}${path}`);
    expect(page.url()).toContain(path);
    problems.push(...(await seriousViolations(page)));
  }
  expect(problems).toEqual([]);
  expect(violations).toEqual([]);
  await context.close();
});
