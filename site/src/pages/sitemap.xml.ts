import type { APIRoute } from 'astro';
import { buildSitemap } from '../lib/feeds/rss.ts';
import { cms, config, feedUnavailable, safely } from '../lib/runtime.ts';

const STATIC = [
  '/',
  '/programmes',
  '/agenda',
  '/temoignages',
  '/actualites',
  '/partenaires',
  '/a-propos',
  '/contact',
  '/mentions-legales',
  '/donnees-personnelles',
  '/accessibilite',
];

export const GET: APIRoute = async () => {
  const [programs, events, stories, news, pages] = await Promise.all([
    safely(() => cms.programs(), []),
    safely(() => cms.upcomingEvents(), []),
    safely(() => cms.stories(), []),
    safely(() => cms.news(), []),
    safely(() => cms.pages(), []),
  ]);
  if (programs.degraded || events.degraded || stories.degraded || news.degraded || pages.degraded)
    return feedUnavailable();
  const u = (p: string) => `${config.siteUrl}${p}`;
  const urls = [
    ...STATIC.map((p) => ({ loc: u(p) })),
    ...programs.value
      .filter((p) => !p.seo?.noIndex)
      .map((p) => ({ loc: u(`/programmes/${p.slug}`), lastmod: p.updatedAt })),
    ...events.value
      .filter((e) => !e.seo?.noIndex)
      .map((e) => ({ loc: u(`/agenda/${e.slug}`), lastmod: e.updatedAt })),
    ...stories.value
      .filter((s) => !s.seo?.noIndex)
      .map((s) => ({ loc: u(`/temoignages/${s.slug}`), lastmod: s.updatedAt })),
    ...news.value
      .filter((n) => !n.seo?.noIndex)
      .map((n) => ({ loc: u(`/actualites/${n.slug}`), lastmod: n.updatedAt })),
    // Pages created in the CMS (the catch-all route); those listed above are not repeated.
    ...pages.value
      .filter((p) => !p.seo?.noIndex && !STATIC.includes(`/${p.slug}`))
      .map((p) => ({ loc: u(`/${p.slug}`), lastmod: p.updatedAt })),
  ];
  return new Response(buildSitemap(urls), { headers: { 'content-type': 'application/xml; charset=utf-8' } });
};
