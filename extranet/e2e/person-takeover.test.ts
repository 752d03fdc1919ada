import { randomUUID } from 'node:crypto';
import { seriousViolations } from '@maillage/scripts/testing/axe';
import type { Platform } from '@maillage/scripts/testing/platform';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { type DemoPlatform, signInPage, startDemoPlatform } from '../test/support/chromium.ts';

/**
 * Issue 8, item 1 in Chromium, against the built site, the built extranet and a real seeded
 * Strapi: a stranger's request with a demo person's phone leaves that person as they were; the
 * advisor sees the differences on the request page (no serious axe violation) and attaches the
 * request to a new person.
 */

let platform: Platform;
let browser: Browser;
let db: Db;

let demo: DemoPlatform;

beforeAll(async () => {
  demo = await startDemoPlatform();
  ({ platform, db, browser } = demo);
});

afterAll(() => demo?.stop());

it('a stranger using a known phone changes nobody; the advisor sees it and attaches the request to a new person', async () => {
  const target = await db.db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select(['registration.event_id', 'person.id as person_id', 'person.phone'])
    .where('registration.territory', 'in', ['valenciennois', 'douaisis'])
    .where('registration.kind', '=', 'event')
    // a request waiting in the inbox, on a session that takes registrations (not the Parcours in progress)
    .where('registration.status', '=', 'received')
    .orderBy('registration.id')
    .executeTakeFirstOrThrow();
  const before = await db.db
    .selectFrom('person')
    .selectAll()
    .where('id', '=', target.person_id)
    .executeTakeFirst();

  const res = await fetch(`${platform.extranetUrl}/api/intake/registrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.secrets.serviceToken}` },
    body: JSON.stringify({
      kind: 'event',
      eventId: target.event_id,
      idempotencyKey: randomUUID(),
      firstName: 'Intrus',
      lastName: 'Inconnu',
      phone: target.phone,
      email: 'intrus@exemple.test',
      preferredContact: 'email',
      acceptWaitlist: true,
    }),
  });
  expect(res.status).toBe(201);
  const { reference } = (await res.json()) as { reference: string };
  const request = await db.db
    .selectFrom('registration')
    .select(['id', 'person_id'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  expect(request.person_id).toBe(target.person_id);
  expect(
    await db.db.selectFrom('person').selectAll().where('id', '=', target.person_id).executeTakeFirst(),
  ).toEqual(before);

  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await signInPage(page, platform.extranetUrl, 'conseiller@maillage.test');
  await page.goto(`${platform.extranetUrl}/demandes/${request.id}`);
  await page.getByText('Elles diffèrent de la fiche de la personne').waitFor();
  await page.getByRole('cell', { name: 'intrus@exemple.test' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await page
    .getByRole('radio', { name: 'Une nouvelle fiche, avec les coordonnées de cette demande' })
    .check();
  await page.getByRole('button', { name: 'Rattacher la demande' }).click();
  await page.waitForURL(/fait=contact-attach/);
  await page.getByText('Demande rattachée à la personne choisie.').waitFor();
  await page.getByText('Elles correspondent à la fiche de la personne.').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();

  const moved = await db.db
    .selectFrom('registration')
    .innerJoin('person', 'person.id', 'registration.person_id')
    .select(['person.id', 'person.first_name', 'person.email'])
    .where('registration.id', '=', request.id)
    .executeTakeFirstOrThrow();
  expect(moved).toMatchObject({ first_name: 'Intrus', email: 'intrus@exemple.test' });
  expect(moved.id).not.toBe(target.person_id);
  expect(
    await db.db.selectFrom('person').selectAll().where('id', '=', target.person_id).executeTakeFirst(),
  ).toEqual(before);
});
