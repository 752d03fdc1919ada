import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, adminLogin, api } from './helpers/cms-client';
import { todayInFrance } from './helpers/dates';
import { createThrowawayDatabase } from './helpers/postgres';
import { type ReceivedWebhook, startWebhookReceiver } from './helpers/webhook-receiver';

const DEMO_PASSWORD = 'maillage-demo-2026';
const EVENTS_QUERY =
  '/api/events?populate[program][fields][0]=title&populate[program][fields][1]=slug&populate[program][fields][2]=kind' +
  '&populate[territory][fields][0]=name&populate[territory][fields][1]=slug&populate[venue]=true&populate[slots]=true' +
  '&sort=slots.date:asc&pagination[pageSize]=100';
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function verifySignature(secret: string, webhook: ReceivedWebhook): boolean {
  const timestamp = String(webhook.headers['x-maillage-timestamp'] ?? '');
  const signature = String(webhook.headers['x-maillage-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${webhook.rawBody}`).digest('hex')}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

async function totals(cms: StartedStrapi): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const type of ['programs', 'events', 'stories', 'territories', 'pages']) {
    const { body } = await api(cms.url, `/api/${type}?fields[0]=slug&pagination[pageSize]=1`, cms.siteToken);
    result[type] = body.meta.pagination.total;
  }
  return result;
}

const databases: Array<{ name: string; serverUrl?: string }> = [{ name: 'SQLite' }];
if (process.env.TEST_DATABASE_URL)
  databases.push({ name: 'PostgreSQL', serverUrl: process.env.TEST_DATABASE_URL });

describe.each(databases)('CMS on $name', ({ serverUrl }) => {
  let cms: StartedStrapi;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let tmp: string;
  let database: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'maillage-cms-test-'));
    receiver = await startWebhookReceiver();
    database = serverUrl ? await createThrowawayDatabase(serverUrl) : undefined;
    cms = await startStrapi({
      databaseUrl: database?.url,
      env: {
        SITE_URL: `${receiver.url}/site`,
        EXTRANET_URL: `${receiver.url}/extranet`,
        // Kept outside startStrapi's own temp folder so that a restart reuses the same file.
        DATABASE_FILENAME: join(tmp, 'cms.db'),
        // The scheduled-publication job every second (30 s in production).
        SCHEDULE_INTERVAL_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await cms?.stop();
    await receiver?.close();
    await database?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the published programs to the site token, with their data·inclusion fields', async () => {
    const { status, body } = await api(cms.url, '/api/programs?sort=order:asc', cms.siteToken);
    expect(status).toBe(200);
    const slugs = body.data.map((p: any) => p.slug);
    expect(slugs).toEqual([
      'parcours-emploi',
      'parcours-creation',
      'parcours-competences',
      'accompagnement-individuel-creation-ess',
      'formation-fonction-employeur-associatif',
    ]);
    for (const program of body.data) {
      expect(program.summary.length).toBeLessThanOrEqual(300);
      expect(program.publishedAt).toBeTruthy();
      expect(program.diThematiques.length).toBeGreaterThan(0);
      expect(program.diPublics.length).toBeGreaterThan(0);
    }
  });

  it('serves events with program, territory, venue and slots populated explicitly', async () => {
    const { status, body } = await api(cms.url, EVENTS_QUERY, cms.siteToken);
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThanOrEqual(8);
    for (const event of body.data) {
      expect(event.program).toMatchObject({
        title: expect.any(String),
        slug: expect.any(String),
        kind: expect.any(String),
      });
      expect(event.territory).toMatchObject({ name: expect.any(String), slug: expect.any(String) });
      expect(event.venue).toMatchObject({
        postcode: expect.stringMatching(/^59\d{3}$/),
        inseeCode: expect.stringMatching(/^59\d{3}$/),
      });
      expect(typeof event.venue.stepFreeAccess).toBe('boolean');
      expect(event.slots.length).toBeGreaterThanOrEqual(1);
      expect(event.capacity).toBe(10);
    }
    const parcours = body.data.filter((e: any) => e.program.kind === 'parcours');
    for (const event of parcours) {
      expect(event.slots.length).toBeGreaterThanOrEqual(5);
      expect(event.slots.length).toBeLessThanOrEqual(7);
    }
    const training = body.data.find((e: any) => e.program.kind === 'formation');
    expect(training.slots).toHaveLength(4);
    expect(training.venue).toMatchObject({
      name: 'Oscaar',
      commune: 'Marly',
      postcode: '59770',
      inseeCode: '59383',
    });
    expect(body.data.some((e: any) => e.kind === 'information')).toBe(true);
  });

  it('has only future seeded events, and at least one in every territory', async () => {
    const today = todayInFrance();
    const { body } = await api(cms.url, EVENTS_QUERY, cms.siteToken);
    for (const event of body.data) {
      const dates = event.slots.map((s: any) => s.date).sort();
      expect(dates[0] > today, `${event.slug} starts ${dates[0]}`).toBe(true);
      expect(new Date(event.registrationClosesAt).getTime()).toBeLessThan(
        new Date(`${dates[0]}T00:00:00Z`).getTime(),
      );
    }
    const territories = await api(
      cms.url,
      '/api/territories?fields[0]=slug&fields[1]=epciCodes',
      cms.siteToken,
    );
    expect(territories.body.data.map((t: any) => t.slug).sort()).toEqual([
      'cambresis',
      'douaisis',
      'pevele-carembault',
      'valenciennois',
    ]);
    for (const territory of territories.body.data) {
      const upcoming = body.data.filter((e: any) => e.territory.slug === territory.slug);
      expect(upcoming.length, `events in ${territory.slug}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('serves the three stories with consent recorded, the pages and the global settings', async () => {
    const stories = await api(
      cms.url,
      '/api/stories?populate[territory][fields][0]=name&populate[cover]=true',
      cms.siteToken,
    );
    expect(stories.status).toBe(200);
    expect(stories.body.data.map((s: any) => s.sector).sort()).toEqual([
      'culture',
      'maraîchage',
      'épicerie solidaire',
    ]);
    for (const story of stories.body.data) {
      expect(story.consentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(story.consentScope).toBeTruthy();
      expect(story.territory.name).toBeTruthy();
    }
    const pages = await api(cms.url, '/api/pages?fields[0]=slug', cms.siteToken);
    expect(pages.body.data.map((p: any) => p.slug).sort()).toEqual([
      'a-propos',
      'accessibilite',
      'donnees-personnelles',
      'mentions-legales',
    ]);
    const global = await api(cms.url, '/api/global?populate[funders]=true', cms.extranetToken);
    expect(global.status).toBe(200);
    expect(global.body.data).toMatchObject({ siteName: 'Maillage', contactPhone: expect.any(String) });
  });

  it('gives no content without a token or with a wrong one', async () => {
    for (const path of ['/api/programs', '/api/events', '/api/stories', '/api/global']) {
      const anonymous = await api(cms.url, path);
      expect([401, 403]).toContain(anonymous.status);
      expect(anonymous.body.data).toBeNull();
      const wrong = await api(cms.url, path, 'not-the-token');
      expect(wrong.status).toBe(401);
      expect(wrong.body.data).toBeNull();
    }
  });

  it('does not let the read-only tokens write', async () => {
    const response = await fetch(`${cms.url}/api/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cms.siteToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { title: 'Intrus', slug: 'intrus', kind: 'parcours', summary: 'x' } }),
    });
    expect([403, 404, 405]).toContain(response.status);
    const { body } = await api(cms.url, '/api/programs?filters[slug][$eq]=intrus', cms.siteToken);
    expect(body.data).toHaveLength(0);
  });

  it('never returns drafts to the tokens, even when asked for them', async () => {
    const jwt = await adminLogin(cms.url, 'admin@maillage.test', DEMO_PASSWORD);
    const created = await admin(
      cms.url,
      jwt,
      'POST',
      '/content-manager/collection-types/api::program.program',
      {
        title: 'Brouillon secret',
        slug: 'brouillon-secret',
        kind: 'parcours',
        summary: 'Un programme pas encore publié.',
      },
    );
    expect(created.status).toBe(201);
    const documentId = created.body.data.documentId;
    for (const token of [cms.siteToken, cms.extranetToken]) {
      const list = await api(cms.url, '/api/programs?filters[slug][$eq]=brouillon-secret', token);
      expect(list.body.data).toHaveLength(0);
      const asked = await api(
        cms.url,
        '/api/programs?filters[slug][$eq]=brouillon-secret&status=draft',
        token,
      );
      expect(asked.body.data ?? []).toHaveLength(0);
      const one = await api(cms.url, `/api/programs/${documentId}?status=draft`, token);
      expect(one.status).toBe(404);
    }
    // Only the preview token (the site's /apercu route) reads drafts, and only when it asks.
    const preview = await api(
      cms.url,
      '/api/programs?filters[slug][$eq]=brouillon-secret&status=draft',
      cms.previewToken,
    );
    expect(preview.body.data.map((p: any) => p.documentId)).toEqual([documentId]);
    const previewPublished = await api(
      cms.url,
      '/api/programs?filters[slug][$eq]=brouillon-secret',
      cms.previewToken,
    );
    expect(previewPublished.body.data).toHaveLength(0);
  });

  it('refuses to publish a story without recorded consent, with a French message', async () => {
    const jwt = await adminLogin(cms.url, 'communication@maillage.test', DEMO_PASSWORD);
    const refused = await admin(
      cms.url,
      jwt,
      'POST',
      '/content-manager/collection-types/api::story.story/actions/publish',
      {
        title: 'Histoire sans accord',
        slug: 'histoire-sans-accord',
        displayName: 'Karim',
        sector: 'culture',
        summary: 'Une histoire dont l’accord de publication n’a pas été recueilli.',
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.name).toBe('ValidationError');
    expect(refused.body.error.message).toMatch(/accord/);
    expect(JSON.stringify(refused.body)).not.toMatch(/at .*\.js:\d+/);
    const { body } = await api(
      cms.url,
      '/api/stories?filters[slug][$eq]=histoire-sans-accord',
      cms.siteToken,
    );
    expect(body.data).toHaveLength(0);
  });

  it('refuses to publish a program that breaks data·inclusion’s rules, or a rich-text image without alternative text', async () => {
    const jwt = await adminLogin(cms.url, 'communication@maillage.test', DEMO_PASSWORD);
    const program = {
      title: 'Programme mal rangé',
      slug: 'programme-mal-range',
      kind: 'parcours',
      summary: 'Un programme pour tout le monde et pour certains.',
      diThematiques: ['creer-une-entreprise--developper-son-entreprise'],
      diPublics: ['demandeurs-emploi', 'tous-publics'],
    };
    const publish = (data: Record<string, unknown>) =>
      admin(
        cms.url,
        jwt,
        'POST',
        '/content-manager/collection-types/api::program.program/actions/publish',
        data,
      );
    const refused = await publish(program);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/« tous-publics » s’emploie seul/);
    const form = new FormData();
    form.append('files', new Blob([TINY_PNG], { type: 'image/png' }), 'dans-le-texte.png');
    const upload = await fetch(`${cms.url}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    const [file] = (await upload.json()) as Array<Record<string, unknown>>;
    const withImage = await publish({
      ...program,
      diPublics: ['tous-publics'],
      description: [
        { type: 'image', image: { ...file, alternativeText: null }, children: [{ type: 'text', text: '' }] },
      ],
    });
    expect(withImage.status).toBe(400);
    expect(withImage.body.error.message).toMatch(/texte alternatif/);
    const { body } = await api(
      cms.url,
      '/api/programs?filters[slug][$eq]=programme-mal-range',
      cms.siteToken,
    );
    expect(body.data).toHaveLength(0);
  });

  it('refuses to publish a story whose cover image has no alternative text', async () => {
    const jwt = await adminLogin(cms.url, 'communication@maillage.test', DEMO_PASSWORD);
    const form = new FormData();
    form.append('files', new Blob([TINY_PNG], { type: 'image/png' }), 'couverture.png');
    const upload = await fetch(`${cms.url}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    const [file] = (await upload.json()) as Array<{ id: number }>;
    const story = {
      title: 'Histoire avec image',
      slug: 'histoire-avec-image',
      displayName: 'Lina',
      sector: 'maraîchage',
      summary: 'Une histoire avec une photo.',
      consentDate: '2026-10-01',
      consentScope: 'site',
      cover: file!.id,
    };
    const refused = await admin(
      cms.url,
      jwt,
      'POST',
      '/content-manager/collection-types/api::story.story/actions/publish',
      story,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/texte alternatif/);
    const notPublished = await api(
      cms.url,
      '/api/stories?filters[slug][$eq]=histoire-avec-image',
      cms.siteToken,
    );
    expect(notPublished.body.data).toHaveLength(0);
    const accepted = await admin(
      cms.url,
      jwt,
      'POST',
      '/content-manager/collection-types/api::story.story/actions/publish',
      {
        ...story,
        coverAlt: 'Lina devant ses rangs de salades',
      },
    );
    expect(accepted.status).toBe(200);
    const published = await api(
      cms.url,
      '/api/stories?filters[slug][$eq]=histoire-avec-image&populate[cover][fields][0]=url',
      cms.siteToken,
    );
    expect(published.body.data[0]).toMatchObject({
      coverAlt: 'Lina devant ses rangs de salades',
      cover: { url: expect.any(String) },
    });
  });

  it('lets an editor create and publish an event, and sends a signed webhook to the site and the extranet', async () => {
    const jwt = await adminLogin(cms.url, 'communication@maillage.test', DEMO_PASSWORD);
    const created = await admin(cms.url, jwt, 'POST', '/content-manager/collection-types/api::event.event', {
      title: 'Réunion d’information à Orchies',
      slug: 'reunion-information-orchies-test',
      kind: 'information',
      capacity: 10,
      venue: {
        name: 'Mairie',
        address: '1 place du Général-de-Gaulle',
        postcode: '59310',
        commune: 'Orchies',
        inseeCode: '59449',
        stepFreeAccess: true,
      },
      slots: [{ date: '2099-01-05', start: '14:00:00.000', end: '16:00:00.000' }],
    });
    expect(created.status).toBe(201);
    const documentId = created.body.data.documentId as string;
    const published = await admin(
      cms.url,
      jwt,
      'POST',
      `/content-manager/collection-types/api::event.event/${documentId}/actions/publish`,
      {},
    );
    expect(published.status).toBe(200);

    const deliveries = await receiver.waitFor(
      (w) =>
        JSON.parse(w.rawBody).event === 'entry.publish' && JSON.parse(w.rawBody).documentId === documentId,
    );
    expect(deliveries.map((d) => d.path).sort()).toEqual([
      '/extranet/api/cms-webhook',
      '/site/api/cms-webhook',
    ]);
    for (const delivery of deliveries) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(verifySignature(cms.webhookSecret, delivery)).toBe(true);
      expect(verifySignature('another-secret', delivery)).toBe(false);
      expect(Math.abs(Date.now() - Number(delivery.headers['x-maillage-timestamp']))).toBeLessThan(60_000);
      expect(JSON.parse(delivery.rawBody)).toEqual({
        event: 'entry.publish',
        model: 'event',
        documentId,
        at: expect.any(String),
      });
    }
    const visible = await api(cms.url, `/api/events/${documentId}`, cms.siteToken);
    expect(visible.status).toBe(200);
  });

  /** The users-permissions routes a stranger could use to get an account or a session: their statuses. */
  async function endUserRoutes(): Promise<number[]> {
    const post = (path: string, body: unknown) =>
      fetch(`${cms.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    return [
      await post('/api/auth/local/register', {
        username: 'intrus',
        email: 'intrus@example.test',
        password: 'un mot de passe 2026',
      }),
      await post('/api/auth/local', { identifier: 'intrus@example.test', password: 'un mot de passe 2026' }),
      await post('/api/auth/forgot-password', { email: 'intrus@example.test' }),
      (await fetch(`${cms.url}/api/users/me`)).status,
    ];
  }

  it('lets no stranger create an account or sign in through the users-permissions routes', async () => {
    // 401: the public role may use none of them (before: 200 and a new account with its JWT).
    expect(await endUserRoutes()).toEqual([401, 401, 401, 401]);
    const users = await fetch(`${cms.url}/api/users?filters[email][$eq]=intrus@example.test`);
    expect(users.status).toBe(401);
  });

  // Strapi limits admin sign-ins (5 a minute per address): the Editor signs in once for these tests.
  let editorSession: { url: string; jwt: string } | undefined;
  async function editorJwt(): Promise<string> {
    if (editorSession?.url !== cms.url)
      editorSession = {
        url: cms.url,
        jwt: await adminLogin(cms.url, 'communication@maillage.test', DEMO_PASSWORD),
      };
    return editorSession.jwt;
  }

  async function uploadImage(jwt: string, name: string): Promise<{ id: number; url: string }> {
    const form = new FormData();
    form.append('files', new Blob([TINY_PNG], { type: 'image/png' }), name);
    const upload = await fetch(`${cms.url}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    const [file] = (await upload.json()) as Array<{ id: number; url: string }>;
    return file!;
  }

  it('lets the Editor publish news with an image, and never touch API tokens, webhooks, users or roles', async () => {
    const editor = await editorJwt();
    const superAdmin = await adminLogin(cms.url, 'admin@maillage.test', DEMO_PASSWORD);
    const settings = [
      ['GET', '/admin/api-tokens'],
      ['POST', '/admin/api-tokens'],
      ['GET', '/admin/webhooks'],
      ['POST', '/admin/webhooks'],
      ['GET', '/admin/users'],
      ['POST', '/admin/users'],
      ['GET', '/admin/roles'],
      ['POST', '/admin/roles'],
      ['GET', '/users-permissions/roles'],
    ] as const;
    const body = { name: 'Intrus', type: 'full-access', url: 'http://127.0.0.1:9', email: 'x@example.test' };
    for (const [method, path] of settings) {
      const asEditor = await admin(cms.url, editor, method, path, method === 'POST' ? body : undefined);
      expect(asEditor.status, `${method} ${path} as Editor`).toBe(403);
    }
    // The same reads succeed for the super admin: the 403 is the role, not a broken route.
    for (const path of ['/admin/api-tokens', '/admin/webhooks', '/admin/users', '/admin/roles']) {
      expect((await admin(cms.url, superAdmin, 'GET', path)).status, path).toBe(200);
    }

    const file = await uploadImage(editor, 'actualite.png');
    const news = await admin(
      cms.url,
      editor,
      'POST',
      '/content-manager/collection-types/api::news.news/actions/publish',
      {
        title: 'Nouvelle session à Denain',
        slug: 'nouvelle-session-denain',
        date: '2026-11-30',
        summary: 'Un Parcours création ouvre à Denain en janvier.',
        cover: file.id,
        coverAlt: 'Affiche de la session, fond vert',
        featured: true,
      },
    );
    expect(news.status).toBe(200);
    const served = await api(
      cms.url,
      '/api/news-items?filters[slug][$eq]=nouvelle-session-denain&populate[cover][fields][0]=url',
      cms.siteToken,
    );
    expect(served.body.data[0]).toMatchObject({
      featured: true,
      coverAlt: 'Affiche de la session, fond vert',
      cover: { url: file.url },
    });
  });

  it('refuses a page at an address the site already uses, in French, and accepts a free one', async () => {
    const editor = await editorJwt();
    const create = (slug: string) =>
      admin(cms.url, editor, 'POST', '/content-manager/collection-types/api::page.page/actions/publish', {
        title: 'Nos partenaires locaux',
        slug,
        summary: 'Les structures qui travaillent avec nous.',
      });
    for (const slug of ['agenda', 'programmes', 'actualites', 'partenaires']) {
      const refused = await create(slug);
      expect(refused.status, slug).toBe(400);
      expect(refused.body.error.message).toMatch(/adresse est déjà utilisée par le site/);
    }
    const accepted = await create('nos-partenaires-locaux');
    expect(accepted.status).toBe(200);
    const { body } = await api(
      cms.url,
      '/api/pages?filters[slug][$eq]=nos-partenaires-locaux',
      cms.siteToken,
    );
    expect(body.data).toHaveLength(1);
  });

  it('takes a story and its photo off the site when consent is withdrawn, and deletes the photo file', async () => {
    const editor = await editorJwt();
    const file = await uploadImage(editor, 'portrait-retire.png');
    expect((await fetch(`${cms.url}${file.url}`)).status).toBe(200);
    const published = await admin(
      cms.url,
      editor,
      'POST',
      '/content-manager/collection-types/api::story.story/actions/publish',
      {
        title: 'Histoire dont l’accord sera retiré',
        slug: 'histoire-accord-retire',
        displayName: 'Nadia',
        sector: 'couture',
        summary: 'Une histoire publiée avec accord.',
        consentDate: '2026-09-01',
        consentScope: 'site',
        cover: file.id,
        coverAlt: 'Des tissus colorés sur une table',
      },
    );
    expect(published.status).toBe(200);
    const documentId = published.body.data.documentId as string;
    const path = '/api/stories?filters[slug][$eq]=histoire-accord-retire';
    expect((await api(cms.url, path, cms.siteToken)).body.data).toHaveLength(1);

    const withdrawn = await admin(
      cms.url,
      editor,
      'PUT',
      `/content-manager/collection-types/api::story.story/${documentId}`,
      { consentWithdrawn: true },
    );
    expect(withdrawn.status).toBe(200);
    // Off the site at once, and the site and the extranet are told.
    expect((await api(cms.url, path, cms.siteToken)).body.data).toHaveLength(0);
    const deliveries = await receiver.waitFor(
      (w) =>
        JSON.parse(w.rawBody).event === 'entry.unpublish' && JSON.parse(w.rawBody).documentId === documentId,
    );
    expect(deliveries.map((d) => d.path)).toContain('/site/api/cms-webhook');
    // The photo is gone from the uploads, not only detached.
    expect((await fetch(`${cms.url}${file.url}`)).status).toBe(404);
    expect((await admin(cms.url, editor, 'GET', `/upload/files/${file.id}`)).status).toBe(404);
    const draft = await admin(
      cms.url,
      editor,
      'GET',
      `/content-manager/collection-types/api::story.story/${documentId}`,
    );
    expect(draft.body.data.consentWithdrawn).toBe(true);
    expect(Date.parse(draft.body.data.consentWithdrawnAt)).toBeGreaterThan(Date.now() - 60_000);
    // And it cannot be published again.
    const again = await admin(
      cms.url,
      editor,
      'POST',
      `/content-manager/collection-types/api::story.story/${documentId}/actions/publish`,
      {},
    );
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/retiré son accord/);
  });

  it('publishes and unpublishes on the scheduled date, and leaves a future date alone', async () => {
    const editor = await editorJwt();
    const draft = (slug: string, extra: Record<string, unknown>) =>
      admin(cms.url, editor, 'POST', '/content-manager/collection-types/api::news.news', {
        title: slug,
        slug,
        date: '2026-12-01',
        summary: 'Une actualité programmée.',
        ...extra,
      });
    const soon = new Date(Date.now() + 1500).toISOString();
    const due = await draft('actualite-programmee', { publishAt: soon });
    const later = await draft('actualite-plus-tard', { publishAt: '2099-01-01T08:00:00.000Z' });
    expect(due.status).toBe(201);
    expect(later.status).toBe(201);
    const ending = await admin(
      cms.url,
      editor,
      'POST',
      '/content-manager/collection-types/api::news.news/actions/publish',
      {
        title: 'Actualité qui s’arrête',
        slug: 'actualite-qui-s-arrete',
        date: '2026-11-01',
        summary: 'Elle quitte le site à la date choisie.',
        unpublishAt: new Date(Date.now() + 1500).toISOString(),
      },
    );
    expect(ending.status).toBe(200);
    const visible = async (slug: string) =>
      (await api(cms.url, `/api/news-items?filters[slug][$eq]=${slug}`, cms.siteToken)).body.data.length;
    expect(await visible('actualite-programmee')).toBe(0);
    expect(await visible('actualite-qui-s-arrete')).toBe(1);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((await visible('actualite-programmee')) === 1 && (await visible('actualite-qui-s-arrete')) === 0)
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await visible('actualite-programmee')).toBe(1);
    expect(await visible('actualite-qui-s-arrete')).toBe(0);
    expect(await visible('actualite-plus-tard')).toBe(0);
    await receiver.waitFor(
      (w) =>
        JSON.parse(w.rawBody).event === 'entry.publish' &&
        JSON.parse(w.rawBody).documentId === due.body.data.documentId,
    );
    // The date it acted on is cleared: the job does not act twice.
    const after = await admin(
      cms.url,
      editor,
      'GET',
      `/content-manager/collection-types/api::news.news/${due.body.data.documentId}`,
    );
    expect(after.body.data.publishAt).toBeNull();
  });

  it('creates nothing new when the seed runs again on the same database', async () => {
    const before = await totals(cms);
    const env = cms.env;
    await cms.stop();
    const { PORT: _port, ...sameEnv } = env;
    cms = await startStrapi({ databaseUrl: database?.url, env: sameEnv });
    expect(await totals(cms)).toEqual(before);
    expect(cms.logs()).not.toContain('créé et publié');
    expect(cms.logs()).toMatch(/event: 0 créé\(s\), 9 déjà là/);
    // The demo accounts and tokens survive the restart too, and sign-up stays closed.
    expect(await endUserRoutes()).toEqual([401, 401, 401, 401]);
    await adminLogin(cms.url, 'admin@maillage.test', DEMO_PASSWORD);
    expect((await api(cms.url, '/api/global', cms.siteToken)).status).toBe(200);
  });
});
