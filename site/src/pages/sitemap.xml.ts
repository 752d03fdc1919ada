import type { APIRoute } from 'astro';
import { cms, config, feedUnavailable, safely } from '../lib/context.ts';
import { buildSitemap } from '../lib/feeds/rss.ts';

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

interface Listed {
  slug: string;
  updatedAt?: string | undefined;
  seo?: { noIndex?: boolean | null | undefined } | null | undefined;
}

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
  /** Every document a search engine may index, at its address. */
  const indexed = (docs: Listed[], path: (slug: string) => string) =>
    docs.filter((d) => !d.seo?.noIndex).map((d) => ({ loc: u(path(d.slug)), lastmod: d.updatedAt }));
  const urls = [
    ...STATIC.map((p) => ({ loc: u(p) })),
    ...indexed(programs.value, (slug) => `/programmes/${slug}`),
    ...indexed(events.value, (slug) => `/agenda/${slug}`),
    ...indexed(stories.value, (slug) => `/temoignages/${slug}`),
    ...indexed(news.value, (slug) => `/actualites/${slug}`),
    // Pages created in the CMS (the catch-all route); those listed above are not repeated.
    ...indexed(
      pages.value.filter((p) => !STATIC.includes(`/${p.slug}`)),
      (slug) => `/${slug}`,
    ),
  ];
  return new Response(buildSitemap(urls), { headers: { 'content-type': 'application/xml; charset=utf-8' } });
};
