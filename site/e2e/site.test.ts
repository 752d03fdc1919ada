import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from '@maillage/scripts/testing/axe';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, pagePaths, postWebhook, type Stack, startStack } from '../test/helpers/stack.ts';
import { launch, phone } from './browser.ts';

// End to end: the built site, a real seeded Strapi and the machine's Chromium.
let stack: Stack;
let browser: Browser;
let closeBrowser: () => Promise<void>;

interface CmsEventLite {
  documentId: string;
  slug: string;
  title: string;
  territory: { slug: string; name: string } | null;
}
let events: CmsEventLite[] = [];
let storySlug = '';

beforeAll(async () => {
  stack = await startStack();
  ({ browser, close: closeBrowser } = await launch());
  const api = async (path: string) =>
    (
      (await (
        await fetch(`${stack.cms.url}${path}`, {
          headers: { authorization: `Bearer ${stack.cms.siteToken}` },
        })
      ).json()) as {
        data: never[];
      }
    ).data;
  events = await api(
    '/api/events?fields[0]=slug&fields[1]=title&populate[territory][fields][0]=slug&populate[territory][fields][1]=name&pagination[pageSize]=100',
  );
  storySlug = ((await api('/api/stories?fields[0]=slug')) as { slug: string }[])[0]?.slug ?? '';
});

afterAll(async () => {
  await closeBrowser?.();
  await stack?.stop();
});

async function goHomeToDouaisisEvent(page: Page) {
  await page.goto(`${stack.siteUrl}/`);
  await page.getByRole('link', { name: 'Voir toutes les sessions et chercher près de chez moi' }).click();
  await expect.poll(() => page.url()).toContain('/agenda');
  await page.getByLabel('Territoire').selectOption({ label: 'Douaisis' });
  await page.getByRole('button', { name: 'Chercher' }).click();
  await expect.poll(() => page.url()).toContain('territoire=douaisis');
  const first = page.locator('ul.cards li.card h2 a').first();
  const title = (await first.textContent())?.trim() ?? '';
  await first.click();
  await page.waitForURL(/\/agenda\/[a-z0-9-]+$/);
  expect(await page.locator('h1').textContent()).toBe(title);
  expect(await page.locator('main').textContent()).toContain('Douaisis');
  const register = page.getByRole('link', { name: /S’inscrire/ });
  expect(await register.getAttribute('href')).toMatch(/^\/inscription\/[a-z0-9-]+$/);
  return title;
}

describe('public site in Chromium', () => {
  it('goes from the home page to a Douaisis session by clicks alone, JavaScript on', async () => {
    const ctx = await phone(browser);
    const title = await goHomeToDouaisisEvent(await ctx.newPage());
    expect(events.find((e) => e.title === title)?.territory?.slug).toBe('douaisis');
    await ctx.close();
  });

  it('does the same with JavaScript off', async () => {
    const ctx = await phone(browser, { javaScriptEnabled: false });
    const title = await goHomeToDouaisisEvent(await ctx.newPage());
    expect(events.find((e) => e.title === title)?.territory?.slug).toBe('douaisis');
    await ctx.close();
  });

  it('lists the Pévèle-Carembault sessions first for the commune "Orchies"', async () => {
    const ctx = await phone(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${stack.siteUrl}/agenda`);
    await page.getByLabel(/Près de chez moi/).fill('Orchies');
    await page.getByRole('button', { name: 'Chercher' }).click();
    await page.waitForURL(/commune=Orchies/);
    expect(await page.getByRole('status').textContent()).toContain('Pévèle-Carembault');
    const slugs = await page
      .locator('ul.cards li.card h2 a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')?.split('/').pop() ?? ''));
    const territoryOf = (slug: string) => events.find((e) => e.slug === slug)?.territory?.slug;
    const pevele = events.filter((e) => e.territory?.slug === 'pevele-carembault').length;
    expect(pevele).toBeGreaterThan(0);
    expect(slugs.slice(0, pevele).map(territoryOf)).toEqual(Array(pevele).fill('pevele-carembault'));
    expect(slugs.slice(pevele).map(territoryOf)).not.toContain('pevele-carembault');
    await ctx.close();
  });

  it('has no serious or critical axe-core violation on any page type', async () => {
    // Only the test injects a script: the site's CSP would (rightly) refuse it otherwise.
    const ctx = await phone(browser, { bypassCSP: true });
    const page = await ctx.newPage();
    const paths = [
      ...pagePaths(events[0]?.slug ?? '', storySlug),
      '/page-qui-n-existe-pas',
      '/indisponible',
      `/apercu?secret=${encodeURIComponent(stack.cms.previewSecret)}&type=event&documentId=${events[0]?.documentId}`,
    ];
    const runAxe = async () =>
      (await axeViolations(page)).map(({ id, impact, nodes }) => ({ id, impact, n: nodes }));
    // The check can fail: a page with an image without a text alternative is caught.
    await page.setContent(
      '<!doctype html><html lang="fr"><title>t</title><main><img src="data:,"></main></html>',
    );
    expect((await runAxe()).map((v) => v.id)).toContain('image-alt');
    const problems: string[] = [];
    for (const path of paths) {
      await page.goto(`${stack.siteUrl}${path}`);
      expect(await page.locator('h1').count(), path).toBe(1);
      for (const v of await runAxe()) {
        if (v.impact === 'serious' || v.impact === 'critical')
          problems.push(`${path}: ${v.id} (${v.impact}, ${v.n})`);
      }
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('shows a change published in the CMS within 5 seconds', async () => {
    const ctx = await phone(browser);
    const page = await ctx.newPage();
    const e = events.find((x) => x.territory?.slug === 'cambresis') ?? (events[0] as CmsEventLite);
    await page.goto(`${stack.siteUrl}/agenda/${e.slug}`);
    expect(await page.locator('h1').textContent()).toBe(e.title);
    const title = `${e.title} — nouvel horaire`;
    const admin = await adminClient(stack.cms.url);
    await admin.updateAndPublish('api::event.event', e.documentId, { title });
    const started = Date.now();
    let seen = '';
    while (Date.now() - started < 5000) {
      await page.reload();
      seen = (await page.locator('h1').textContent()) ?? '';
      if (seen === title) break;
      await page.waitForTimeout(250);
    }
    expect(seen).toBe(title);
    e.title = title;
    await ctx.close();
  });

  it('lets the Editor upload an image with its alternative text to a session in the Strapi admin and publish: the site shows it within 5 seconds, responsive', async () => {
    const e = events.find((x) => x.territory?.slug === 'valenciennois') ?? (events[1] as CmsEventLite);
    const dir = mkdtempSync(join(tmpdir(), 'maillage-e2e-image-'));
    const file = join(dir, 'atelier-couleurs.png');
    // A generated picture (no photo of anyone).
    writeFileSync(
      file,
      await sharp({ create: { width: 960, height: 640, channels: 3, background: '#264653' } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="960" height="640"><rect x="280" y="160" width="400" height="320" fill="#e9c46a"/></svg>',
            ),
          },
        ])
        .png()
        .toBuffer(),
    );
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const page = await ctx.newPage();
    try {
      await page.goto(`${stack.cms.url}/admin`);
      await page.getByLabel(/e-?mail/i).fill('communication@maillage.test');
      await page.getByLabel(/mot de passe/i).fill('maillage-demo-2026');
      await page.getByRole('button', { name: /connexion|se connecter/i }).click();
      await page.waitForURL(/\/admin(\/)?$/, { timeout: 30_000 });
      await page.goto(
        `${stack.cms.url}/admin/content-manager/collection-types/api::event.event/${e.documentId}`,
      );
      await page.getByText('Image de couverture').first().waitFor({ timeout: 30_000 });
      await page
        .getByText(/Cliquer pour ajouter un média/)
        .first()
        .click();
      const dialog = page.getByRole('dialog');
      // The library already holds the demo images: add a new one from the computer.
      await dialog.getByRole('button', { name: 'Ajouter plus de médias' }).click();
      await page.locator('input[type="file"]').first().setInputFiles(file);
      await dialog.getByRole('button', { name: 'Importer 1 média dans la médiathèque' }).click();
      // Back in the library with the new image selected.
      await dialog.getByRole('button', { name: 'Terminer' }).click({ timeout: 30_000 });
      await page.getByLabel('Texte alternatif de l’image').fill('Un carré jaune sur fond bleu');
      const started = Date.now();
      await page.getByRole('button', { name: 'Publier' }).first().click();
      let html = '';
      while (Date.now() - started < 5000) {
        html = await (await fetch(`${stack.siteUrl}/agenda/${e.slug}`)).text();
        if (html.includes('alt="Un carré jaune sur fond bleu"')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(Date.now() - started).toBeLessThan(5000);
      const picture = /<picture>.*?<\/picture>/s.exec(html)?.[0] ?? '';
      expect(picture).toContain('alt="Un carré jaune sur fond bleu"');
      expect(picture).toMatch(
        /<source type="image\/avif" srcset="\/media\/uploads\/atelier_couleurs_\w+\.png\?w=320&amp;f=avif 320w, /,
      );
      expect(picture).toMatch(/width="960" height="640"/);
      // A phone downloads one small AVIF, not the original.
      const phoneCtx = await phone(browser);
      const phonePage = await phoneCtx.newPage();
      const images: string[] = [];
      phonePage.on('response', (r) => {
        if (r.request().resourceType() === 'image')
          images.push(`${r.status()} ${r.headers()['content-type']}`);
      });
      await phonePage.goto(`${stack.siteUrl}/agenda/${e.slug}`, { waitUntil: 'networkidle' });
      expect(images).toContain('200 image/avif');
      await phoneCtx.close();
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still renders every page type with the CMS stopped', async () => {
    const ctx = await phone(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    const e = events[0] as CmsEventLite;
    const paths = pagePaths(e.slug, storySlug);
    for (const p of paths) await page.goto(`${stack.siteUrl}${p}`);
    await stack.stopCms();
    // A content change empties the page cache: every page must now come from the last good CMS copy.
    expect(
      (await postWebhook(stack, { event: 'entry.update', model: 'event', documentId: e.documentId })).status,
    ).toBe(200);
    for (const p of paths) {
      const res = await page.goto(`${stack.siteUrl}${p}`);
      expect(res?.status(), p).toBe(200);
      expect(await page.locator('h1').count(), p).toBe(1);
      expect(await page.locator('main').textContent(), p).not.toContain('Error');
      // Not the "information unavailable" notice: the last good copy has everything.
      expect(await page.locator('.notice.warning[role="status"]').count(), p).toBe(0);
    }
    await page.goto(`${stack.siteUrl}/agenda/${e.slug}`);
    expect(await page.locator('h1').textContent()).toBe(e.title);
    await ctx.close();
  });
});
