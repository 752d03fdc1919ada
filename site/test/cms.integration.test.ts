import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import ICAL from 'ical.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CmsUnavailableError, createCmsClient } from '../src/lib/cms/client.ts';
import { parisIso } from '../src/lib/dates.ts';
import { signWebhook } from '../src/lib/webhook.ts';
import { validators } from './helpers/data-inclusion.ts';
import { adminClient, pagePaths, postWebhook, type Stack, siteDir, startStack } from './helpers/stack.ts';

// Integration: the CMS client and the built site against a real, seeded Strapi.
if (!existsSync(join(siteDir, 'dist', 'server', 'entry.mjs'))) {
  throw new Error('Le site n’est pas construit : lancez `npm run build -w site` avant les tests.');
}

let stack: Stack;
const quiet = () => {};
const client = () =>
  createCmsClient({ baseUrl: stack.proxy.url, token: stack.cms.siteToken, warn: quiet, timeoutMs: 2000 });
const get = (path: string, init?: RequestInit) => fetch(`${stack.siteUrl}${path}`, init);
const text = async (path: string) => (await get(path)).text();

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('CMS client against a real Strapi', () => {
  it('reads the seeded content through explicit fields and populate', async () => {
    const cms = client();
    const [programs, events, stories, territories, global] = await Promise.all([
      cms.programs(),
      cms.upcomingEvents(),
      cms.stories(),
      cms.territories(),
      cms.global(),
    ]);
    expect(programs.map((p) => p.kind).sort()).toEqual([
      'accompagnement',
      'formation',
      'parcours',
      'parcours',
      'parcours',
    ]);
    expect(new Set(events.map((e) => e.territory?.slug))).toEqual(
      new Set(['valenciennois', 'douaisis', 'cambresis', 'pevele-carembault']),
    );
    expect(events.find((e) => e.venue.commune === 'Orchies')?.territory?.slug).toBe('pevele-carembault');
    expect(stories).toHaveLength(3);
    expect(territories.find((t) => t.slug === 'pevele-carembault')?.epciCodes).toEqual(['200041960']);
    expect(global?.contactPhone).toMatch(/\d/);
    for (const slug of ['a-propos', 'mentions-legales', 'donnees-personnelles', 'accessibilite']) {
      expect((await cms.page(slug))?.slug).toBe(slug);
    }
    expect(stack.proxy.hits.get('/api/events')).toBeGreaterThan(0);
    expect([...stack.proxy.hits.keys()].every((p) => p.startsWith('/api/'))).toBe(true);
  });

  it('shows the retention period set in the extranet on the personal-data page and in the forms', async () => {
    const page = await (await get('/donnees-personnelles')).text();
    expect(page).toContain('2 ans après notre dernier contact');
    expect(page).not.toContain('{durée de conservation}');
    expect(await (await get('/etre-rappele')).text()).toContain('Nous les gardons 2 ans après');
  });

  it('answers a second read from its cache without calling the CMS', async () => {
    const cms = client();
    const first = await cms.programs();
    const before = stack.proxy.total();
    const second = await cms.programs();
    expect(second).toBe(first);
    expect(stack.proxy.total()).toBe(before);
    expect(cms.cache.stats.hits).toBe(1);
  });

  it('serves the last good copy when the CMS is down, and says so when it has none', async () => {
    const cms = client();
    const programs = await cms.programs();
    stack.proxy.mode = 'down';
    try {
      cms.purge();
      expect(await cms.programs()).toEqual(programs);
      await expect(client().programs()).rejects.toBeInstanceOf(CmsUnavailableError);
    } finally {
      stack.proxy.mode = 'pass';
    }
  });

  it('gives up on a CMS that hangs after its timeout, serving the last good copy', async () => {
    const fast = () =>
      createCmsClient({ baseUrl: stack.proxy.url, token: stack.cms.siteToken, warn: quiet, timeoutMs: 500 });
    const cms = fast();
    const programs = await cms.programs();
    stack.proxy.mode = 'slow';
    try {
      cms.purge();
      let started = Date.now();
      expect(await cms.programs()).toEqual(programs);
      expect(Date.now() - started).toBeLessThan(2000);
      started = Date.now();
      await expect(fast().programs()).rejects.toBeInstanceOf(CmsUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      stack.proxy.mode = 'pass';
    }
  });

  it('treats an invalid answer like an outage, and drops a single invalid entry', async () => {
    const cms = client();
    const events = await cms.upcomingEvents();
    stack.proxy.mode = 'garbage';
    try {
      cms.purge();
      expect(await cms.upcomingEvents()).toEqual(events);
      await expect(client().global()).rejects.toBeInstanceOf(CmsUnavailableError);
      stack.proxy.mode = 'corrupt-item';
      expect(await client().upcomingEvents()).toHaveLength(events.length - 1);
    } finally {
      stack.proxy.mode = 'pass';
    }
  });
});

describe('the built site', () => {
  it('refuses an unsigned or forged webhook', async () => {
    const body = JSON.stringify({
      event: 'entry.publish',
      model: 'event',
      documentId: 'x',
      at: new Date().toISOString(),
    });
    const unsigned = await get('/api/cms-webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: 'Signature absente ou invalide.' });
    const ts = String(Date.now());
    const forged = await get('/api/cms-webhook', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-maillage-timestamp': ts,
        'x-maillage-signature': signWebhook('wrong', ts, body),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const huge = await get('/api/cms-webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(20_000),
    });
    expect(huge.status).toBe(413);
    const good = await postWebhook(stack, JSON.parse(body));
    expect(good.status).toBe(200);
  });

  it('shows a change published in the CMS within 5 seconds (signed webhook empties the cache)', async () => {
    const cms = client();
    const program = (await cms.programs()).find((p) => p.slug === 'parcours-creation');
    expect(program).toBeDefined();
    expect(await text('/programmes/parcours-creation')).toContain(program!.title);
    const title = `Parcours création ${Date.now()}`;
    const admin = await adminClient(stack.cms.url);
    const started = Date.now();
    await admin.updateAndPublish('api::program.program', program!.documentId, { title });
    let html = '';
    while (Date.now() - started < 5000) {
      html = await text('/programmes/parcours-creation');
      if (html.includes(title)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(html).toContain(title);
  });

  it('previews a draft behind the secret, never cached', async () => {
    const story = (await client().stories())[0]!;
    const admin = await adminClient(stack.cms.url);
    const draftTitle = `Brouillon ${Date.now()}`;
    await admin.updateDraft('api::story.story', story.documentId, { title: draftTitle });
    const ok = await get(
      `/apercu?secret=${encodeURIComponent(stack.cms.previewSecret)}&type=story&documentId=${story.documentId}`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    // The secret is in the address: no Referer may carry it anywhere.
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    // The Strapi admin shows the preview in a frame: only the CMS may frame it.
    // The demo opens the admin at localhost while CMS_URL says 127.0.0.1: both may frame it.
    const cmsPort = new URL(stack.proxy.url).port;
    expect(ok.headers.get('content-security-policy')).toContain(
      `frame-ancestors 'self' http://127.0.0.1:${cmsPort} http://localhost:${cmsPort}`,
    );
    expect(await ok.text()).toContain(draftTitle);
    expect(await text(`/temoignages/${story.slug}`)).not.toContain(draftTitle);
    const bad = await get(`/apercu?secret=nope&type=story&documentId=${story.documentId}`);
    expect(bad.status).toBe(401);
    expect(await bad.text()).not.toContain(draftTitle);
  });

  it('previews a draft of every type: a page, news and the global settings', async () => {
    const admin = await adminClient(stack.cms.url);
    const stamp = Date.now();
    const preview = (type: string, documentId: string) =>
      get(
        `/apercu?secret=${encodeURIComponent(stack.cms.previewSecret)}&type=${type}&documentId=${documentId}`,
      );
    const page = (await client().page('a-propos'))!;
    await admin.updateDraft('api::page.page', page.documentId, { title: `Qui sommes-nous ${stamp}` });
    const pageRes = await preview('page', page.documentId);
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain(`<h1>Qui sommes-nous ${stamp}</h1>`);
    expect(await text('/a-propos')).not.toContain(String(stamp));

    const news = (await client().news())[0]!;
    await admin.updateDraft('api::news.news', news.documentId, { title: `Brouillon d’actualité ${stamp}` });
    expect(await (await preview('news', news.documentId)).text()).toContain(`Brouillon d’actualité ${stamp}`);

    const global = await fetch(`${stack.cms.url}/api/global?fields[0]=siteName`, {
      headers: { authorization: `Bearer ${stack.cms.siteToken}` },
    }).then((r) => r.json() as Promise<{ data: { documentId: string } }>);
    await admin.updateSingleDraft('api::global.global', { tagline: `Accroche en brouillon ${stamp}` });
    const globalRes = await preview('global', global.data.documentId);
    expect(globalRes.status).toBe(200);
    expect(await globalRes.text()).toContain(`Accroche en brouillon ${stamp}`);
    expect(await text('/')).not.toContain(`Accroche en brouillon ${stamp}`);
  });

  it('shows places left from the extranet, and the capacity alone when it does not answer', async () => {
    const events = await client().upcomingEvents();
    const [a, b] = [events[0]!, events[1]!];
    stack.availability.entries.set(a.documentId, {
      capacity: 10,
      taken: 7,
      left: 3,
      waitlistOpen: false,
      registrationOpen: true,
    });
    expect(await text(`/agenda/${a.slug}`)).toContain('Il reste <strong>3 places</strong> sur 10');
    for (const failure of ['down', 'slow'] as const) {
      const e = failure === 'down' ? b : events[2]!;
      stack.availability[failure] = true;
      try {
        const started = Date.now();
        const res = await get(`/agenda/${e.slug}`);
        expect(res.status).toBe(200);
        // The extranet is asked with a short timeout: a hanging extranet costs under a second or so.
        expect(Date.now() - started, failure).toBeLessThan(3000);
        const html = await res.text();
        expect(html).toContain(`Groupe de ${e.capacity} personnes au maximum`);
        expect(html).toContain(`href="/inscription/${e.slug}"`);
      } finally {
        stack.availability[failure] = false;
      }
    }
  });

  it('points a closed session only to a next session that is open, else says to call', async () => {
    const events = await client().upcomingEvents();
    const program = events.find((e) => events.filter((x) => x.program?.slug === e.program?.slug).length >= 2)
      ?.program?.slug;
    const same = events.filter((e) => e.program?.slug === program);
    expect(same.length).toBeGreaterThanOrEqual(2);
    const [closed, ...others] = same as [(typeof same)[number], ...typeof same];
    const shut = { capacity: 10, taken: 0, left: 10, waitlistOpen: false, registrationOpen: false };
    // The site keeps the extranet's answers 10 s: ask the page until it reflects the new ones.
    const eventually = async (wanted: string) => {
      let html = '';
      for (const started = Date.now(); Date.now() - started < 15_000; ) {
        html = await text(`/inscription/${closed.slug}`);
        if (html.includes(wanted)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      return html;
    };
    try {
      // Every session of the program closed by the extranet: no link to any of them.
      for (const e of same) stack.availability.entries.set(e.documentId, shut);
      const none = await eventually('Aucune autre session de ce programme n’est ouverte aux inscriptions');
      expect(none).toContain('Les inscriptions à cette session sont fermées.');
      expect(none).toContain('Aucune autre session de ce programme n’est ouverte aux inscriptions');
      for (const e of others) expect(none).not.toContain(`href="/inscription/${e.slug}"`);
      expect(none).toContain('appelez-nous au <a href="tel:0327000000">');
      // One of them open again: the page points to it.
      const open = others.at(-1)!;
      stack.availability.entries.set(open.documentId, { ...shut, registrationOpen: true });
      const link = `La prochaine session du même programme : <a href="/inscription/${open.slug}">`;
      expect(await eventually(link)).toContain(link);
    } finally {
      for (const e of same) stack.availability.entries.delete(e.documentId);
    }
  });

  it('sends compressed pages with CDN cache and security headers', async () => {
    const res = await get('/agenda', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=600');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const gz = await get('/data-inclusion/services.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
  });

  it('publishes data·inclusion files that validate against the schemas', async () => {
    const v = validators();
    const structures = (await (await get('/data-inclusion/structures.json')).json()) as unknown[];
    const services = (await (await get('/data-inclusion/services.json')).json()) as unknown[];
    expect(structures).toHaveLength(1);
    expect(v.structure(structures[0]), JSON.stringify(v.structure.errors)).toBe(true);
    expect(services).toHaveLength(5);
    for (const s of services) expect(v.service(s), JSON.stringify(v.service.errors)).toBe(true);
  });

  it('publishes an agenda.ics whose times are the CMS times in Europe/Paris', async () => {
    const events = await client().upcomingEvents();
    const res = await get('/agenda.ics');
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const comp = new ICAL.Component(ICAL.parse(await res.text()));
    for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const vevents = comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(vevents).toHaveLength(events.reduce((n, e) => n + e.slots.length, 0));
    const e = events[0]!;
    const slot = e.slots[0]!;
    const first = vevents.find((v) => v.uid.startsWith(`${e.documentId}-${slot.date}`))!;
    expect(first.startDate.zone?.tzid).toBe('Europe/Paris');
    expect(first.startDate.toString()).toBe(`${slot.date}T${slot.start}:00`);
    // The instant ical.js derives from the calendar's VTIMEZONE is the one Intl gives for Paris.
    expect(first.startDate.toJSDate().toISOString()).toBe(
      new Date(parisIso(slot.date, slot.start)).toISOString(),
    );
    const one = await get(`/agenda/${e.slug}.ics`);
    expect(new ICAL.Component(ICAL.parse(await one.text())).getAllSubcomponents('vevent')).toHaveLength(
      e.slots.length,
    );
  });

  it('publishes RSS, a sitemap, robots.txt and Event JSON-LD', async () => {
    const rss = await text('/temoignages/rss.xml');
    expect(rss.match(/<item>/g)).toHaveLength(3);
    const sitemap = await text('/sitemap.xml');
    expect(sitemap).toContain(`${stack.siteUrl}/agenda/`);
    expect(await text('/robots.txt')).toContain(`Sitemap: ${stack.siteUrl}/sitemap.xml`);
    const e = (await client().upcomingEvents())[0]!;
    const html = await text(`/agenda/${e.slug}`);
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}');
    expect(ld['@type']).toBe('Event');
    expect(ld.location.address.addressLocality).toBe(e.venue.commune);
    expect(ld.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+0[12]:00$/);
    expect(html).toContain(`<link rel="canonical" href="${stack.siteUrl}/agenda/${e.slug}">`);
  });

  it('describes the association (NGO, address, phone, four territories), programs as courses, and every page for sharing', async () => {
    const ldOf = (html: string) =>
      JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}');
    for (const path of ['/', '/contact']) {
      const ld = ldOf(await text(path));
      expect(ld['@type'], path).toBe('NGO');
      expect(ld.telephone).toBe('+33327000000');
      expect(ld.address).toMatchObject({
        '@type': 'PostalAddress',
        streetAddress: '10 rue de la Solidarité',
        postalCode: '59300',
        addressLocality: 'Valenciennes',
      });
      expect(ld.areaServed.map((a: { name: string }) => a.name).sort()).toEqual([
        'Cambrésis',
        'Douaisis',
        'Pévèle-Carembault',
        'Valenciennois',
      ]);
    }
    const course = ldOf(await text('/programmes/parcours-emploi'));
    expect(course).toMatchObject({
      '@type': 'Course',
      name: expect.any(String),
      description: expect.any(String),
      provider: { '@type': 'Organization', name: 'Maillage' },
      offers: [{ '@type': 'Offer', category: 'Free' }],
    });
    expect(course.hasCourseInstance.length).toBeGreaterThan(0);
    for (const instance of course.hasCourseInstance) {
      expect(instance.courseMode).toBe('Onsite');
      expect(instance.courseWorkload).toMatch(/^PT\d+H$/);
    }
    const e = (await client().upcomingEvents())[0]!;
    const story = (await client().stories())[0]!;
    for (const path of pagePaths(e.slug, story.slug)) {
      const html = await (await get(path)).text();
      // A program has its own illustration (demo seed); every other page the site's sharing image.
      const own = path === '/programmes/parcours-emploi';
      expect(html, path).toMatch(
        own
          ? new RegExp(
              `<meta property="og:image" content="${stack.siteUrl}/media/uploads/demo_programme_parcours_emploi_\\w+\\.webp">`,
            )
          : new RegExp(`<meta property="og:image" content="${stack.siteUrl}/partage.png">`),
      );
      expect(html, path).toContain('<meta name="twitter:card" content="summary_large_image">');
      // Pages stay tiny: a few KB on the wire (the site sends them compressed with brotli).
      expect(brotliCompressSync(html).byteLength, path).toBeLessThan(6_000);
    }
    const image = await get('/partage.png');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('shows an image uploaded to a session within 5 seconds, responsive, and never breaks a page for it', async () => {
    const admin = await adminClient(stack.cms.url);
    // A generated picture (no photo of anyone): 1200 × 800 coloured shapes.
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2f6f5e' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1200" height="800"><circle cx="600" cy="400" r="300" fill="#f2c14e"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    const file = await admin.upload(png, 'session-soleil.png', 'Un soleil jaune sur fond vert');
    const e = (await client().upcomingEvents())[1]!;
    const started = Date.now();
    await admin.updateAndPublish('api::event.event', e.documentId, {
      cover: file.id,
      coverAlt: 'Un soleil jaune sur fond vert',
    });
    let html = '';
    while (Date.now() - started < 5000) {
      html = await text(`/agenda/${e.slug}`);
      if (html.includes('<picture>')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const picture = /<picture>.*?<\/picture>/s.exec(html)?.[0] ?? '';
    expect(picture).toContain('type="image/avif"');
    expect(picture).toContain('type="image/webp"');
    expect(picture).toMatch(/alt="Un soleil jaune sur fond vert"/);
    expect(picture).toMatch(/width="1200" height="800"/);
    const srcset = /type="image\/avif" srcset="([^"]+)"/.exec(picture)?.[1] ?? '';
    const candidates = srcset.split(', ').map((c) => c.split(' ')[0]!.replaceAll('&amp;', '&'));
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    const avif = await get(candidates[0]!);
    expect(avif.status).toBe(200);
    expect(avif.headers.get('content-type')).toBe('image/avif');
    const small = new Uint8Array(await avif.arrayBuffer());
    expect((await sharp(small).metadata()).width).toBe(320);
    expect(small.byteLength).toBeLessThan(png.byteLength);
    // Only the listed sizes exist, and an address that is not an upload is refused.
    expect((await get(`/media${file.url}?w=333&f=avif`)).status).toBe(404);
    expect((await get('/media/uploads/nope.png?w=320&f=webp')).status).toBe(404);
    // An image the CMS cannot serve: the page is still there, whole.
    await admin.updateAndPublish('api::event.event', e.documentId, {
      cover: file.id,
      coverAlt: 'Un soleil jaune sur fond vert',
      title: `${e.title} `,
    });
    expect((await get(`/agenda/${e.slug}`)).status).toBe(200);
  });

  it('shows a page created in the CMS at its address and in the sitemap', async () => {
    const admin = await adminClient(stack.cms.url);
    const slug = `nos-partenaires-locaux-${Date.now()}`;
    const created = await admin.createAndPublish('api::page.page', {
      title: 'Nos partenaires locaux',
      slug,
      summary: 'Les structures qui travaillent avec nous.',
    });
    expect(created.status).toBe(200);
    const started = Date.now();
    let res = await get(`/${slug}`);
    while (res.status !== 200 && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 200));
      res = await get(`/${slug}`);
    }
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<h1>Nos partenaires locaux</h1>');
    expect(await text('/sitemap.xml')).toContain(`<loc>${stack.siteUrl}/${slug}</loc>`);
    const refused = await admin.createAndPublish('api::page.page', { title: 'Agenda bis', slug: 'agenda' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^Cette adresse est déjà utilisée par le site/);
    expect((await get('/une-page-jamais-creee')).status).toBe(404);
  });

  it('publishes news: list, page, valid RSS, and the home page (« à la une » when marked)', async () => {
    const admin = await adminClient(stack.cms.url);
    const slug = `ouverture-denain-${Date.now()}`;
    const created = await admin.createAndPublish('api::news.news', {
      title: 'Un Parcours création ouvre à Denain & alentours',
      slug,
      date: '2026-11-30',
      summary: 'Dix places, en janvier, près de la gare.',
      featured: true,
    });
    expect(created.status).toBe(200);
    const started = Date.now();
    let home = '';
    // The site shows it within seconds (webhook); 10 s here leaves room for a busy CI machine.
    let list = '';
    while (Date.now() - started < 10_000) {
      [home, list] = await Promise.all([text('/'), text('/actualites')]);
      if (home.includes(slug) && list.includes(slug)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect({ list: list.includes(slug), home: home.includes(slug) }).toEqual({ list: true, home: true });
    const une = /<section aria-labelledby="a-la-une">.*?<\/section>/s.exec(home)?.[0] ?? '';
    expect(une).toContain(`href="/actualites/${slug}"`);
    expect(await text('/actualites')).toContain(`href="/actualites/${slug}"`);
    const page = await get(`/actualites/${slug}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<time datetime="2026-11-30">lundi 30 novembre 2026<\/time>/);
    const rss = await get('/actualites/rss.xml');
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await rss.text();
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain(`<link>${stack.siteUrl}/actualites/${slug}</link>`);
    expect(xml).toContain('<title>Un Parcours création ouvre à Denain &amp; alentours</title>');
    expect(xml).toMatch(/<pubDate>Mon, 30 Nov 2026 11:00:00 GMT<\/pubDate>/);
  });

  it('takes a story and its photo off the site at once when consent is withdrawn', async () => {
    const admin = await adminClient(stack.cms.url);
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8a4f7d' } })
      .png()
      .toBuffer();
    const file = await admin.upload(png, 'portrait-retire.png', 'Des tissus colorés');
    const slug = `histoire-retiree-${Date.now()}`;
    const created = await admin.createAndPublish('api::story.story', {
      title: 'Une histoire dont l’accord sera retiré',
      slug,
      displayName: 'Nadia',
      sector: 'couture',
      summary: 'Une histoire publiée avec accord.',
      consentDate: '2026-09-01',
      consentScope: 'site',
      cover: file.id,
      coverAlt: 'Des tissus colorés',
    });
    expect(created.status).toBe(200);
    const waitFor = async (check: () => Promise<boolean>) => {
      const started = Date.now();
      while (!(await check()) && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 200));
      return check();
    };
    expect(await waitFor(async () => (await get(`/temoignages/${slug}`)).status === 200)).toBe(true);
    const html = await text(`/temoignages/${slug}`);
    const photo = (/<img src="([^"]+)"/.exec(html)?.[1] ?? '').replaceAll('&amp;', '&');
    expect(photo).toMatch(/^\/media\/uploads\//);
    expect((await get(photo)).status).toBe(200);

    await admin.updateDraft('api::story.story', created.body.data.documentId, { consentWithdrawn: true });
    expect(await waitFor(async () => (await get(`/temoignages/${slug}`)).status === 404)).toBe(true);
    expect(await text('/temoignages')).not.toContain(slug);
    expect(await text('/temoignages/rss.xml')).not.toContain(slug);
    // The photo is gone too: neither the site's image cache nor the CMS has it any more.
    expect((await get(photo)).status).toBe(404);
    expect((await fetch(`${stack.cms.url}${file.url}`)).status).toBe(404);
  });

  it('shows the funders’ mentions: the FSE+ emblem and sentence on a program it co-funds, all funders on « Partenaires »', async () => {
    const program = await text('/programmes/parcours-emploi');
    expect(program).toContain('Cofinancé par l’Union européenne.');
    expect(program).toMatch(
      /alt="Emblème de l’Union européenne : douze étoiles jaunes en cercle sur fond bleu"/,
    );
    expect(await text('/programmes/accompagnement-individuel-creation-ess')).not.toContain(
      'Cofinancé par l’Union européenne',
    );
    const partners = await text('/partenaires');
    expect(partners).toContain(
      'Projet cofinancé par le Fonds social européen dans le cadre du programme national FSE+.',
    );
    expect(partners).toContain('Avec le soutien de la Région Hauts-de-France.');
    expect(await text('/')).toContain('href="/partenaires"');
  });

  it('lists every published program on the home page', async () => {
    const programs = await client().programs();
    const home = await text('/');
    for (const p of programs) expect(home).toContain(`href="/programmes/${p.slug}"`);
  });

  it('answers an unknown slug with the French 404 page', async () => {
    const res = await get('/programmes/jamais-vu');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Cette page n’existe pas');
    expect((await get('/agenda/jamais-vu')).status).toBe(404);
    expect((await get('/temoignages/jamais-vu')).status).toBe(404);
    // What cannot be a slug never reaches the CMS (nor fills the content cache).
    const before = stack.proxy.total();
    expect((await get('/agenda/%3Cscript%3Ealert(1)%3C%2Fscript%3E')).status).toBe(404);
    expect((await get(`/programmes/${'x'.repeat(300)}`)).status).toBe(404);
    expect(stack.proxy.total()).toBe(before);
  });

  it('offers a territory published in the CMS in the agenda’s filter and near me, and its communes in the forms', async () => {
    // The Communauté d’agglomération de Lens-Liévin: in none of the four seeded territories.
    const slug = 'lens-lievin';
    const option = `<option value="${slug}">Lens-Liévin</option>`;
    const lens = /<option value="Lens"/;
    const until = async (path: string, done: (html: string) => boolean) => {
      let html = await text(path);
      for (const started = Date.now(); !done(html) && Date.now() - started < 5000; ) {
        await new Promise((r) => setTimeout(r, 200));
        html = await text(path);
      }
      return html;
    };
    expect(await text('/agenda')).not.toContain(option);
    expect(await text('/agenda?commune=Lens')).toContain('Lens (62) n’est dans aucun de nos territoires');
    expect(await text('/etre-rappele')).not.toMatch(lens);

    const admin = await adminClient(stack.cms.url);
    const created = await admin.createAndPublish('api::territory.territory', {
      name: 'Lens-Liévin',
      slug,
      epciCodes: ['246200364'],
    });
    expect(created.status).toBe(200);
    try {
      const agenda = await until('/agenda', (html) => html.includes(option));
      expect(agenda).toContain(option);
      expect(agenda).toContain('<option value="pevele-carembault">Pévèle-Carembault</option>');
      expect(await text('/agenda?commune=Lens')).toContain(
        'Lens fait partie du territoire <strong>Lens-Liévin</strong>.',
      );
      for (const path of ['/etre-rappele', '/idee-de-projet', '/professionnel']) {
        const form = await text(path);
        expect(form, path).toMatch(lens);
        expect(form, path).toMatch(/<option value="Liévin"/);
        expect(form, path).toMatch(/<option value="Orchies"/);
      }
    } finally {
      await admin.unpublish('api::territory.territory', created.body.data.documentId);
    }
    expect(await until('/agenda', (html) => !html.includes(option))).not.toContain(option);
    expect(await until('/etre-rappele', (html) => !lens.test(html))).not.toMatch(lens);
    // The CMS down after a purge: the last good copy of the territories still serves both.
    stack.proxy.mode = 'down';
    try {
      await postWebhook(stack, { event: 'entry.update', model: 'territory', documentId: 'x' });
      expect(await text('/etre-rappele')).toMatch(/<option value="Orchies"/);
      expect(await text('/agenda')).toContain('<option value="douaisis">Douaisis</option>');
    } finally {
      stack.proxy.mode = 'pass';
    }
  });

  it('still renders every page with the CMS stopped', async () => {
    const e = (await client().upcomingEvents())[0]!;
    const s = (await client().stories())[0]!;
    const paths = [...pagePaths(e.slug, s.slug), '/agenda.ics', '/temoignages/rss.xml', '/sitemap.xml'];
    for (const p of paths) expect((await get(p)).status, p).toBe(200);
    await stack.stopCms();
    // Force a refresh attempt: the site must fall back to its last good copy.
    await postWebhook(stack, { event: 'entry.update', model: 'event', documentId: e.documentId });
    for (const p of paths) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html, p).not.toMatch(/at .*\.(m?js|ts):\d+/);
    }
    expect(await text(`/agenda/${e.slug}`)).toContain(e.title.replace(/’/g, '’'));
    // Never asked before the outage: nothing to fall back on, a French 503 page (not an error trace).
    const unknown = await get('/programmes/jamais-demande');
    expect(unknown.status).toBe(503);
    expect(await unknown.text()).toContain('Cette page n’est pas disponible pour le moment');
  });
});

/** Strict enough for a feed: one root, every tag closed in order, entities escaped. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(body)) return false;
  const stack: string[] = [];
  let roots = 0;
  for (const [, close, name, , selfClosing] of body.matchAll(
    /<(\/?)([\w:]+)((?:\s+[\w:]+="[^"<]*")*)\s*(\/?)>/g,
  )) {
    if (close) {
      if (stack.pop() !== name) return false;
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1 && !/<(?![\w/?!])/.test(body);
}
