import { launchChromium } from '@maillage/scripts/testing/chromium';
import { type Platform, startPlatform } from '@maillage/scripts/testing/platform';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/db/connect.ts';
import { DEMO_PASSWORD } from './server.ts';

/** Signs in through the extranet's form and waits for the home page (« Ma journée »). */
export async function signInPage(
  page: Page,
  baseUrl: string,
  email: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Content-Security-Policy violations reported in the page's console (the extranet's CSP is strict). */
export function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) found.push(`CSP: ${page.url()} ${m.text()}`);
  });
  return found;
}

/** Polls `ready` (every `everyMs`) until it answers true, or throws `message` after `timeoutMs`. */
export async function waitUntil(
  ready: () => Promise<boolean>,
  message: string,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits for the demo requests the extranet seeds once the CMS events have arrived. */
async function waitForDemoRequests(db: Db): Promise<void> {
  await waitUntil(async () => {
    const n = await db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      // the inbox's requests (the sessions demo and the indicators' history have decided ones)
      .where('status', '=', 'received')
      .executeTakeFirstOrThrow();
    return Number(n.n) > 0;
  }, 'les inscriptions de démonstration ne sont pas arrivées');
}

export interface DemoPlatform {
  platform: Platform;
  db: Db;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * The whole platform (built site, built extranet, seeded Strapi), the extranet's database and
 * Chromium, once the extranet has pulled the CMS events and seeded the demo requests.
 */
export async function startDemoPlatform(
  options?: Parameters<typeof startPlatform>[0],
): Promise<DemoPlatform> {
  const platform = await startPlatform(options);
  const db = createDb({ file: platform.extranetDbFile });
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await db.close();
    await platform.stop();
  };
  try {
    browser = await launchChromium();
    await waitForDemoRequests(db);
    return { platform, db, browser, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
