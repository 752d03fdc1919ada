import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cspViolations, signInPage } from '../test/support/chromium.ts';
import { addEvent, eventRequest, intake } from '../test/support/fixtures.ts';
import { type RunningServer, startServer } from '../test/support/server.ts';

/**
 * Documents by keyboard only, in Chromium against the built extranet: the demo advisor opens a
 * person's file, reaches the « Documents » form with Tab, picks the type with the arrow keys,
 * opens the file chooser with Space, ticks « Confidentiel », sends with Enter; then downloads the
 * document and deletes it (confirmation step), still by keyboard. axe-core checks each page.
 */

let server: RunningServer;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'extranet-e2e-documents-'));
const lastName = `Document-${Date.now().toString(36)}`;

beforeAll(async () => {
  server = await startServer('sqlite', { DOCUMENTS_DIR: join(dir, 'documents') });
  await addEvent(server.db, 'ev-doc', 'valenciennois', 10);
  const res = await intake(server.url, eventRequest('ev-doc', { firstName: 'Salomé', lastName }));
  expect(res.status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Presses Tab until the element matching `selector` has the focus (fails after `max` presses). */
async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} jamais atteint au clavier`);
}

it('the demo advisor attaches, downloads and deletes a document using only the keyboard', async () => {
  const file = join(dir, 'attestation France Travail.pdf');
  const bytes = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
  writeFileSync(file, bytes);
  const person = await server.db.db
    .selectFrom('person')
    .select('id')
    .where('last_name', '=', lastName)
    .executeTakeFirstOrThrow();

  const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  const problems = cspViolations(page);
  await signInPage(page, server.url, 'conseiller@maillage.test');
  await page.goto(`${server.url}/personnes/${person.id}`);
  problems.push(...(await seriousViolations(page)));

  // The type: focus the list, then the arrow keys (« Attestation France Travail » is the second type).
  await tabTo(page, '#document-kind');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await page.locator('#document-kind').inputValue()).toBe('attestation-france-travail');
  // The file: Space on the focused field opens the chooser (the system's dialog, filled here).
  await tabTo(page, '#document-file');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(file);
  await tabTo(page, '#document-confidential');
  await page.keyboard.press('Space');
  expect(await page.locator('#document-confidential').isChecked()).toBe(true);
  await tabTo(page, 'form[action^="/documents/ajouter"] button[type="submit"]');
  await Promise.all([page.waitForURL(/fait=document/), page.keyboard.press('Enter')]);
  expect(await page.locator('#documents [role="status"]').textContent()).toContain('Document ajouté.');
  const section = page.locator('#documents');
  expect(await section.textContent()).toContain('Attestation France Travail');
  expect(await section.textContent()).toContain('confidentiel');
  problems.push(...(await seriousViolations(page)));

  const row = await server.db.db
    .selectFrom('document')
    .selectAll()
    .where('person_id', '=', person.id)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ kind: 'attestation-france-travail', format: 'pdf', confidential: 1 });

  // Download: Enter on the focused link.
  await tabTo(page, `a[href="/documents/${row.id}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toBe('attestation France Travail.pdf');
  expect(readFileSync((await download.path()) as string).equals(bytes)).toBe(true);

  // Delete: the link, then the confirmation page's button.
  await tabTo(page, `a[href="/documents/${row.id}/supprimer"]`);
  await Promise.all([page.waitForURL(/\/supprimer$/), page.keyboard.press('Enter')]);
  expect(await page.locator('h1').textContent()).toBe('Supprimer ce document ?');
  problems.push(...(await seriousViolations(page)));
  await tabTo(page, 'main form[method="post"] button[type="submit"]');
  await Promise.all([page.waitForURL(/fait=document-supprime/), page.keyboard.press('Enter')]);
  expect(await page.locator('#documents').textContent()).toContain('Aucun document.');
  expect(
    await server.db.db.selectFrom('document').select('id').where('id', '=', row.id).executeTakeFirst(),
  ).toBeUndefined();

  expect(problems).toEqual([]);
  await context.close();
});
