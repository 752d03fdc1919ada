import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seriousViolations } from '../../scripts/testing/axe.ts';
import { launchChromium } from '../../scripts/testing/chromium.ts';
import { type Platform, startPlatform } from '../../scripts/testing/platform.ts';
import { createDb, type Db } from '../src/db/connect.ts';

/**
 * Issue 4's journey in Chromium against the built site, the built extranet and a real seeded
 * Strapi: the demo advisor signs in, finds a registration by name, accepts it, and the site's
 * event page shows one place less. axe-core checks the extranet pages on the way.
 */

/** Content-Security-Policy violations reported in the page's console (the extranet's CSP is strict). */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) found.push(`${page.url()} ${m.text()}`);
  });
  return found;
}

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

beforeAll(async () => {
  platform = await startPlatform();
  db = createDb({ file: platform.extranetDbFile });
  browser = await launchChromium();
  // The extranet pulls the CMS events at start, then seeds the demo registrations.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const n = await db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      // the inbox's requests (the sessions demo and the indicators' history have decided ones)
      .where('status', '=', 'received')
      .executeTakeFirstOrThrow();
    if (Number(n.n) > 0) break;
    if (Date.now() > deadline) throw new Error('les inscriptions de démonstration ne sont pas arrivées');
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await platform?.stop();
});

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
  await page.goto(`${platform.extranetUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill('admin@maillage.test');
  await page.getByLabel('Mot de passe').fill('maillage-demo-2026');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/demandes/);
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
