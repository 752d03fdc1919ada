import { freePort } from '@maillage/scripts/lib/ports';
import type { Service } from '@maillage/scripts/lib/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltSite } from './helpers/stack.ts';

// The built site started while the CMS has never answered (nothing listens on its port).
let site: Service;
let siteUrl = '';

beforeAll(async () => {
  const [port, nobody] = await Promise.all([freePort(), freePort()]);
  siteUrl = `http://127.0.0.1:${port}`;
  site = await startBuiltSite(port, {
    CMS_URL: `http://127.0.0.1:${nobody}`,
    EXTRANET_URL: `http://127.0.0.1:${nobody}`,
    CMS_WEBHOOK_SECRET: 'unused',
  });
});
afterAll(async () => {
  await site?.stop();
});

describe('site started with the CMS down', () => {
  it('renders each page with a notice, and lets neither its page cache nor a CDN keep it', async () => {
    for (const path of [
      '/',
      '/programmes',
      '/agenda',
      '/temoignages',
      '/actualites',
      '/partenaires',
      '/a-propos',
      '/contact',
    ]) {
      for (const attempt of [1, 2]) {
        const res = await fetch(`${siteUrl}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('cache-control'), `${path} (${attempt})`).toBe('no-store');
        const html = await res.text();
        expect(html, path).toContain('Une partie des informations n’est pas disponible');
        expect((html.match(/<h1[\s>]/g) ?? []).length, path).toBe(1);
      }
    }
  });

  it('answers feeds and unknown content with a French 503, never cached', async () => {
    for (const path of [
      '/agenda.ics',
      '/temoignages/rss.xml',
      '/sitemap.xml',
      '/programmes/parcours-emploi',
      '/actualites/rss.xml',
      '/actualites/une-actualite',
      '/une-page-creee-dans-le-cms',
    ]) {
      const res = await fetch(`${siteUrl}${path}`);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(await res.text(), path).toMatch(/indisponible|pas disponible/);
    }
  });
});

describe('images with the CMS down', () => {
  it('answers a 404 for the image alone, never cached', async () => {
    for (const path of ['/media/uploads/atelier_ab12.png', '/media/uploads/atelier_ab12.png?w=320&f=avif']) {
      const res = await fetch(`${siteUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
