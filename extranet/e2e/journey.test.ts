import { seriousViolations as axe } from '@maillage/scripts/testing/axe';
import { launchChromium, phoneContext } from '@maillage/scripts/testing/chromium';
import { type Platform, startPlatform } from '@maillage/scripts/testing/platform';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../src/db/connect.ts';
import { Browser as HttpClient } from '../test/support/browser.ts';
import { signInPage } from '../test/support/chromium.ts';
import { icsFirstStart, parisWallClock } from '../test/support/ics.ts';
import { type SmtpSink, startSmtpSink } from '../test/support/smtp-sink.ts';

/**
 * The registration journey end to end: the built site, the built extranet and a real seeded
 * Strapi (scripts/testing/platform.ts), the machine's Chromium, and a real SMTP server on
 * 127.0.0.1 receiving what the extranet's outbox worker sends with nodemailer.
 */

const DEMO_PASSWORD = 'maillage-demo-2026';
const ADVISOR_EMAIL = 'conseil.cambresis@maillage.test';
const ADVISOR_PASSWORD = 'une phrase de passe pour le cambresis';
const EVENT_SLUG = 'parcours-creation-le-cateau-cambresis';

let sink: SmtpSink;
let platform: Platform;
let browser: Browser;
let db: Db;
let advisor: BrowserContext;
let firstSlot: { date: string; start: string };
const timings: Record<string, number> = {};
let counter = 0;

function phone(opts: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  return phoneContext(browser, opts);
}

interface Person {
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
}
/** Everyone typed into a form in these journeys (their details must never reach a log). */
const typed: Person[] = [];
function newPerson(label: string): Person {
  counter++;
  return track({
    firstName: 'Nadia',
    lastName: `${label}-${counter}`,
    phone: `06 12 ${String(10 + counter).padStart(2, '0')} ${String(Date.now() % 100).padStart(2, '0')} ${String(
      counter * 7,
    )
      .padStart(2, '0')
      .slice(-2)}`,
    email: `nadia.${label.toLowerCase()}.${counter}@exemple.test`,
  });
}
function track(p: Person): Person {
  typed.push(p);
  return p;
}

/**
 * Opens the session's form, reloading while the site still shows the session as closed: the site and
 * the extranet cache places left for a few seconds after a test changes the extranet's copy.
 */
async function openEventForm(page: Page) {
  const deadline = Date.now() + 25_000;
  await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
  while ((await page.getByLabel('Votre prénom').count()) === 0 && Date.now() < deadline) {
    await page.waitForTimeout(1_000);
    await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
  }
}

/** Fills the event form as a person would, then waits out the anti-bot minimum fill time. */
async function fillEventForm(page: Page, p: Person, openedAt: number) {
  if ((await page.getByLabel('Votre prénom').count()) === 0) {
    throw new Error(
      `no form at ${page.url()}: ${((await page.locator('body').textContent()) ?? '').replace(/\s+/g, ' ').slice(0, 700)}`,
    );
  }
  await page.getByLabel('Votre prénom').fill(p.firstName);
  await page.getByLabel('Votre nom').fill(p.lastName);
  await page.getByLabel('Votre numéro de téléphone').fill(p.phone);
  await page.getByLabel('Votre adresse e-mail').fill(p.email);
  await page.getByLabel('Votre commune').fill('Caudry');
  await page.getByRole('radio', { name: 'Par e-mail', exact: true }).check();
  const elapsed = Date.now() - openedAt;
  if (elapsed < 3200) await page.waitForTimeout(3200 - elapsed);
}

async function registrationsOf(lastName: string) {
  return db.db
    .selectFrom('person')
    .innerJoin('registration', 'registration.person_id', 'person.id')
    .select(['registration.reference', 'registration.status'])
    .where('person.last_name', '=', lastName)
    .execute();
}

async function accept(reference: string) {
  const page = await advisor.newPage();
  await page.goto(`${platform.extranetUrl}/demandes`);
  await page.getByLabel('Nom, téléphone ou référence').fill(reference);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForLoadState();
  await page.getByRole('link', { name: /Nadia/ }).first().click();
  await page.waitForURL(/\/demandes\/\d+/);
  expect(await page.locator('main').textContent()).toContain(reference);
  await page.getByRole('radio', { name: 'Accepter' }).check();
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForURL(/fait=accept/);
  await page.close();
}

beforeAll(async () => {
  sink = await startSmtpSink();
  platform = await startPlatform({ smtpUrl: sink.url });
  db = createDb({ file: platform.extranetDbFile });
  browser = await launchChromium();

  const res = await fetch(
    `${platform.cmsUrl}/api/events?filters[slug][$eq]=${EVENT_SLUG}&fields[0]=slug&populate[slots]=true`,
    { headers: { authorization: `Bearer ${platform.secrets.siteToken}` } },
  );
  const event = ((await res.json()) as { data: { slots: { date: string; start: string }[] }[] }).data[0];
  if (!event) throw new Error(`seeded event ${EVENT_SLUG} missing`);
  firstSlot = [...event.slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start))[0] as {
    date: string;
    start: string;
  };

  // The coordinator invites the Cambrésis advisor; the invitation itself goes through real SMTP.
  const admin = new HttpClient(platform.extranetUrl);
  expect((await admin.signIn('admin@maillage.test', DEMO_PASSWORD)).status).toBe(303);
  const invited = await admin.post('/admin/comptes?_action=accounts.invite', {
    name: 'Conseillère Cambrésis',
    email: ADVISOR_EMAIL,
    role: 'advisor',
    territories: ['cambresis'],
  });
  expect(invited.status).toBe(303);
  const invitation = await sink.waitFor((m) => m.envelopeTo.includes(ADVISOR_EMAIL), 30_000);
  const link = new URL(/https?:\/\/\S+/.exec(invitation.parsed.text)?.[0] ?? '');
  const newcomer = new HttpClient(platform.extranetUrl);
  const path = link.pathname + link.search;
  await newcomer.get(path);
  const setPassword = await newcomer.post(`${path}&_action=auth.resetPassword`, {
    password: ADVISOR_PASSWORD,
    confirmation: ADVISOR_PASSWORD,
  });
  expect(setPassword.status, await setPassword.clone().text()).toBe(303);
  expect(setPassword.headers.get('location')).toContain('/connexion');

  advisor = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await advisor.newPage();
  await page.goto(`${platform.extranetUrl}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(ADVISOR_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADVISOR_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState();
  // Signed in, the advisor lands on the home page (« Ma journée »).
  if (new URL(page.url()).pathname !== '/')
    throw new Error(`sign-in failed at ${page.url()}: ${(await page.content()).slice(0, 600)}`);
  await page.close();
}, 300_000);

afterAll(async () => {
  console.log(`[parcours] temps mesurés (ms) : ${JSON.stringify(timings)}`);
  await browser?.close();
  await db?.close();
  await platform?.stop();
  await sink?.stop();
});

describe('registration journey', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}: from the home page to a Cambrésis Parcours session, confirmation, acceptance, email with the right .ics`, async () => {
      const ctx = await phone({ javaScriptEnabled });
      const page = await ctx.newPage();
      const start = Date.now();
      await page.goto(`${platform.siteUrl}/`);
      await page.getByRole('link', { name: 'Voir toutes les sessions et chercher près de chez moi' }).click();
      await page.waitForURL(/\/agenda/);
      await page.getByLabel('Territoire').selectOption({ label: 'Cambrésis' });
      await page.getByRole('button', { name: 'Chercher' }).click();
      await page.waitForURL(/territoire=cambresis/);
      await page.locator(`a[href="/agenda/${EVENT_SLUG}"]`).first().click();
      await page.waitForURL(new RegExp(`/agenda/${EVENT_SLUG}$`));
      await page
        .getByRole('link', { name: /S’inscrire/ })
        .first()
        .click();
      await page.waitForURL(new RegExp(`/inscription/${EVENT_SLUG}$`));
      const formOpened = Date.now();
      const person = newPerson(javaScriptEnabled ? 'JsOn' : 'JsOff');
      await fillEventForm(page, person, formOpened);
      await page.getByRole('button', { name: /Envoyer mon inscription/ }).click();
      await page.waitForURL(/\/confirmation\?t=/);
      const done = Date.now();
      timings[`js-${javaScriptEnabled ? 'on' : 'off'}: accueil → confirmation`] = done - start;
      timings[`js-${javaScriptEnabled ? 'on' : 'off'}: formulaire → confirmation`] = done - formOpened;
      const text = (await page.locator('main').textContent()) ?? '';
      const reference = /MAI-\d{4}-\d{6}/.exec(text)?.[0];
      expect(reference).toBeDefined();
      expect(text).toContain('Parcours création au Cateau-Cambrésis');
      expect(await page.getByRole('link', { name: 'Ajouter à mon agenda' }).getAttribute('href')).toBe(
        `/agenda/${EVENT_SLUG}.ics`,
      );
      expect(page.url()).not.toContain(person.lastName);
      await ctx.close();

      expect(await registrationsOf(person.lastName)).toEqual([{ reference, status: 'received' }]);
      const receipt = await sink.waitFor(
        (m) => m.envelopeTo.includes(person.email) && m.parsed.subject.includes(reference as string),
      );
      expect(receipt.parsed.from).toContain('Maillage — équipe du Cambrésis');
      // Replies go to the territory's team, as published in the CMS.
      expect(receipt.parsed.replyTo).toContain('cambresis@maillage.test');
      await sink.waitFor(
        (m) => m.envelopeTo.includes(ADVISOR_EMAIL) && m.parsed.subject.includes(reference as string),
      );

      await accept(reference as string);
      const decision = await sink.waitFor(
        (m) =>
          m.envelopeTo.includes(person.email) && m.parsed.subject.startsWith('Votre place est confirmée'),
      );
      expect(decision.parsed.text).toContain('Espace France Services');
      expect(icsFirstStart(decision).toISOString()).toBe(
        parisWallClock(firstSlot.date, firstSlot.start).toISOString(),
      );
    });
  }

  it('a professional registers someone: both get the receipt, then the decision', async () => {
    const ctx = await phone({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${platform.siteUrl}/professionnel?session=${EVENT_SLUG}`);
    const opened = Date.now();
    const person = newPerson('Orientee');
    await page.getByLabel('Votre prénom et votre nom').fill('Paul Martin');
    await page.getByLabel('Votre structure').fill('France Travail Cambrai');
    await page.getByLabel('Votre e-mail professionnel').fill('paul.martin@francetravail.test');
    await page.getByRole('radio', { name: /Une place à une session/ }).check();
    await page.getByLabel('Prénom de la personne').fill(person.firstName);
    await page.getByLabel('Nom de la personne', { exact: true }).fill(person.lastName);
    await page.getByLabel('Téléphone de la personne').fill(person.phone);
    await page.getByLabel('E-mail de la personne').fill(person.email);
    await page.getByLabel('Commune où vit la personne').fill('Caudry');
    await page.getByRole('radio', { name: 'Par e-mail', exact: true }).check();
    await page.getByLabel(/La personne est d’accord/).check();
    if (Date.now() - opened < 3200) await page.waitForTimeout(3200 - (Date.now() - opened));
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.waitForURL(/\/confirmation\?t=/);
    const reference = /MAI-\d{4}-\d{6}/.exec((await page.locator('main').textContent()) ?? '')?.[0] as string;
    expect(reference).toBeDefined();
    await ctx.close();

    const toPerson = await sink.waitFor(
      (m) => m.envelopeTo.includes(person.email) && m.parsed.subject.includes(reference),
    );
    // The professional's own words (name, structure) are not copied into the person's message.
    expect(toPerson.parsed.text).toContain('Un·e professionnel·le de l');
    expect(toPerson.parsed.text).not.toContain('Paul Martin');
    const toPro = await sink.waitFor(
      (m) => m.envelopeTo.includes('paul.martin@francetravail.test') && m.parsed.subject.includes(reference),
    );
    // No text typed in the form in a subject.
    expect(toPro.parsed.subject).toBe(`Demande reçue — ${reference}`);

    await accept(reference);
    const decision = await sink.waitFor(
      (m) => m.envelopeTo.includes(person.email) && m.parsed.subject.startsWith('Votre place est confirmée'),
    );
    const proDecision = await sink.waitFor(
      (m) =>
        m.envelopeTo.includes('paul.martin@francetravail.test') &&
        m.parsed.subject.startsWith('Place confirmée : ') &&
        m.parsed.subject.endsWith(reference),
    );
    for (const m of [decision, proDecision]) {
      expect(icsFirstStart(m).toISOString()).toBe(
        parisWallClock(firstSlot.date, firstSlot.start).toISOString(),
      );
    }
  });

  it('a double tap and a back-and-resubmit give one registration and the same reference', async () => {
    const ctx = await phone({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
    const person = newPerson('Double');
    await fillEventForm(page, person, Date.now());
    await page.locator('form.rf button[type=submit]').dblclick();
    await page.waitForURL(/\/confirmation\?t=/);
    const first = /MAI-\d{4}-\d{6}/.exec((await page.locator('main').textContent()) ?? '')?.[0];
    await page.goBack();
    await page.waitForURL(new RegExp(`/inscription/${EVENT_SLUG}$`));
    // The browser shows the form as it was (same hidden key); if it lost the answers, type them again.
    if ((await page.getByLabel('Votre nom').inputValue()) === '')
      await fillEventForm(page, person, Date.now());
    await page.locator('form.rf button[type=submit]').click();
    await page.waitForURL(/\/confirmation\?t=/);
    const second = /MAI-\d{4}-\d{6}/.exec((await page.locator('main').textContent()) ?? '')?.[0];
    expect(second).toBe(first);
    expect(await registrationsOf(person.lastName)).toHaveLength(1);
    await ctx.close();
  });

  it('has no serious or critical axe-core violation on the forms, their error state and the confirmation', async () => {
    const ctx = await phone({ bypassCSP: true });
    const page = await ctx.newPage();
    const problems: string[] = [];
    for (const path of [`/inscription/${EVENT_SLUG}`, '/etre-rappele', '/idee-de-projet', '/professionnel']) {
      await page.goto(`${platform.siteUrl}${path}`);
      problems.push(...(await axe(page)));
      await page.waitForTimeout(3200);
      await page.locator('form.rf button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('#erreurs').count()).toBe(1);
      // The summary takes the focus, so a screen reader announces it first.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('erreurs');
      problems.push(...(await axe(page)));
    }
    await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
    await fillEventForm(page, newPerson('Axe'), Date.now());
    await page.locator('form.rf button[type=submit]').click();
    await page.waitForURL(/\/confirmation\?t=/);
    problems.push(...(await axe(page)));
    const advisorPage = await advisor.newPage();
    await advisorPage.goto(`${platform.extranetUrl}/a-appeler`);
    problems.push(...(await axe(advisorPage)));
    await advisorPage.close();
    // The coordinator's outbox page and one message's preview.
    const adminCtx = await browser.newContext({ locale: 'fr-FR', bypassCSP: true });
    const adminPage = await adminCtx.newPage();
    await signInPage(adminPage, platform.extranetUrl, 'admin@maillage.test');
    await adminPage.goto(`${platform.extranetUrl}/courriels`);
    problems.push(...(await axe(adminPage)));
    await adminPage.locator('table a[href^="/courriels/"]').first().click();
    await adminPage.waitForURL(/\/courriels\/\d+$/);
    expect(await adminPage.locator('iframe[title="Aperçu du message"]').count()).toBe(1);
    problems.push(...(await axe(adminPage)));
    // The SMS page (demo: SMS written to files, shown as a phone shows them) and their monthly volume.
    await adminPage.goto(`${platform.extranetUrl}/sms`);
    problems.push(...(await axe(adminPage)));
    await adminPage.goto(`${platform.extranetUrl}/admin/sms`);
    problems.push(...(await axe(adminPage)));
    await adminCtx.close();
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('a full session offers the waiting list explicitly; a cancelled one says so and points to the next session', async () => {
    const accepted = await db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'event_id',
        '=',
        (
          await db.db
            .selectFrom('event_copy')
            .select('document_id')
            .where('slug', '=', EVENT_SLUG)
            .executeTakeFirstOrThrow()
        ).document_id,
      )
      .where('status', '=', 'accepted')
      .executeTakeFirstOrThrow();
    // The extranet's copy of the session says it is full (the CMS copy comes back at the next refresh).
    await db.db
      .updateTable('event_copy')
      .set({ capacity: Number(accepted.n) })
      .where('slug', '=', EVENT_SLUG)
      .execute();
    const ctx = await phone({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
    const person = newPerson('Attente');
    await fillEventForm(page, person, Date.now());
    await page.locator('form.rf button[type=submit]').click();
    await page.waitForLoadState();
    expect(await page.locator('#erreurs').textContent()).toContain('La session est complète');
    expect(await page.getByLabel('Votre nom').inputValue()).toBe(person.lastName);
    expect(await registrationsOf(person.lastName)).toHaveLength(0);
    await page.getByLabel('J’accepte d’être sur la liste d’attente').check();
    await page.getByRole('button', { name: 'M’inscrire sur la liste d’attente' }).click();
    await page.waitForURL(/\/confirmation\?t=/);
    expect(await page.locator('h1').textContent()).toBe('Inscription sur la liste d’attente enregistrée');
    expect(await registrationsOf(person.lastName)).toEqual([
      expect.objectContaining({ status: 'waitlisted' }),
    ]);

    await db.db.updateTable('event_copy').set({ cancelled: 1 }).where('slug', '=', EVENT_SLUG).execute();
    try {
      await page.goto(`${platform.siteUrl}/inscription/${EVENT_SLUG}`);
      const late = newPerson('Ferme');
      // Whether the site already knows (cached places left expired: no form) or learns it on submit.
      if ((await page.getByLabel('Votre prénom').count()) > 0) {
        await fillEventForm(page, late, Date.now());
        await page.locator('form.rf button[type=submit]').click();
        await page.waitForLoadState();
      }
      expect(await page.locator('main').textContent()).toContain(
        'Les inscriptions à cette session sont fermées.',
      );
      const next = page.getByRole('link', { name: /Parcours création/ }).filter({ hasNotText: 'Cateau' });
      expect(await next.first().getAttribute('href')).toMatch(/^\/inscription\/parcours-creation-/);
      expect(await registrationsOf(late.lastName)).toHaveLength(0);
    } finally {
      await db.db
        .updateTable('event_copy')
        .set({ cancelled: 0, capacity: 10 })
        .where('slug', '=', EVENT_SLUG)
        .execute();
      await ctx.close();
    }
  });

  it('SMTP down: the registration is stored, the confirmation shows, the email leaves once SMTP is back', async () => {
    await sink.stop();
    const ctx = await phone();
    const page = await ctx.newPage();
    await openEventForm(page);
    const person = newPerson('Panne');
    await fillEventForm(page, person, Date.now());
    await page.locator('form.rf button[type=submit]').click();
    await page.waitForURL(/\/confirmation\?t=/);
    const reference = /MAI-\d{4}-\d{6}/.exec((await page.locator('main').textContent()) ?? '')?.[0] as string;
    await ctx.close();
    expect(await registrationsOf(person.lastName)).toHaveLength(1);
    await expect
      .poll(
        async () =>
          (await db.db
            .selectFrom('outbox')
            .select(['attempts', 'last_error', 'status'])
            .where('to_address', '=', person.email)
            .executeTakeFirst()) ?? null,
        { timeout: 20_000, interval: 500 },
      )
      .toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: expect.stringMatching(/ECONNREFUSED|connect/i),
      });
    await sink.start();
    const receipt = await sink.waitFor(
      (m) => m.envelopeTo.includes(person.email) && m.parsed.subject.includes(reference),
      90_000,
    );
    expect(receipt.parsed.subject).toContain(reference);
  }, 150_000);

  it('CMS down: registering for a session the site already knows still works', async () => {
    await platform.stopCms();
    const ctx = await phone({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await openEventForm(page);
    const person = newPerson('SansCms');
    await fillEventForm(page, person, Date.now());
    await page.locator('form.rf button[type=submit]').click();
    await page.waitForURL(/\/confirmation\?t=/);
    expect((await page.locator('main').textContent()) ?? '').toMatch(/MAI-\d{4}-\d{6}/);
    expect(await registrationsOf(person.lastName)).toHaveLength(1);
    await ctx.close();
  });
});

/** Issue 12, item 8: after every journey above, no log line of the three apps holds personal data. */
describe('the logs of the whole journey', () => {
  it('hold none of the demo people’s or the typed people’s names, phone numbers or e-mail addresses', async () => {
    const { DEMO_PEOPLE } = await import('../src/features/demo/demo.service.ts');
    const digits = (phone: string) => phone.replace(/\D/g, '');
    const needles = new Set<string>();
    for (const p of [...DEMO_PEOPLE, ...typed]) {
      needles.add(`${p.firstName} ${p.lastName}`);
      needles.add(p.lastName);
      const national = digits(p.phone).replace(/^33/, '0');
      needles.add(national);
      needles.add(`+33${national.slice(1)}`);
      needles.add(national.replace(/(\d{2})(?=\d)/g, '$1 '));
      if (p.email) needles.add(p.email);
    }
    expect(typed.length).toBeGreaterThan(5);
    const lines = platform.logs().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    // The three apps' output is all there (a capture that read nothing would find nothing).
    for (const app of ['[extranet]', '[site]']) expect(lines.some((l) => l.startsWith(app))).toBe(true);
    expect(platform.logs()).toContain('[internal migration]'); // Strapi's own start-up lines
    const found = lines.filter((line) => [...needles].some((n) => line.includes(n)));
    expect(found).toEqual([]);
  });
});
