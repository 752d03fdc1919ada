import { parisInstant } from '@maillage/platform/clock';
import type { News, Story } from '../cms/schemas.ts';
import { escapeHtml } from '../html.ts';

/** RSS 2.0 feed of the stories, newest first. */
export function buildRss(stories: Story[], opts: { siteUrl: string; siteName: string }): string {
  const items = stories
    .map((s) => {
      const link = `${opts.siteUrl}/temoignages/${s.slug}`;
      const date = new Date(s.publishedAt ?? s.updatedAt);
      return `<item><title>${escapeHtml(s.title)}</title><link>${link}</link><guid isPermaLink="false">${escapeHtml(s.documentId)}</guid>${
        Number.isNaN(date.getTime()) ? '' : `<pubDate>${date.toUTCString()}</pubDate>`
      }<description>${escapeHtml(s.summary)}</description><category>${escapeHtml(s.sector)}</category></item>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${escapeHtml(opts.siteName)} — Témoignages</title><link>${opts.siteUrl}/temoignages</link><atom:link href="${opts.siteUrl}/temoignages/rss.xml" rel="self" type="application/rss+xml"/><description>Des personnes accompagnées racontent la création de leur activité.</description><language>fr</language>${items}</channel></rss>
`;
}

/** RSS 2.0 feed of the news, newest first (the date an editor gives, at noon Paris time). */
export function buildNewsRss(news: News[], opts: { siteUrl: string; siteName: string }): string {
  const items = news
    .map((n) => {
      const link = `${opts.siteUrl}/actualites/${n.slug}`;
      const date = parisInstant(n.date, '12:00');
      return `<item><title>${escapeHtml(n.title)}</title><link>${link}</link><guid isPermaLink="false">${escapeHtml(n.documentId)}</guid><pubDate>${date.toUTCString()}</pubDate><description>${escapeHtml(n.summary)}</description>${
        n.territory ? `<category>${escapeHtml(n.territory.name)}</category>` : ''
      }</item>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>${escapeHtml(opts.siteName)} — Actualités</title><link>${opts.siteUrl}/actualites</link><atom:link href="${opts.siteUrl}/actualites/rss.xml" rel="self" type="application/rss+xml"/><description>Les nouvelles de ${escapeHtml(opts.siteName)}.</description><language>fr</language>${items}</channel></rss>
`;
}

export function buildSitemap(urls: { loc: string; lastmod?: string | null }[]): string {
  const body = urls
    .map(
      (u) =>
        `<url><loc>${escapeHtml(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod.slice(0, 10)}</lastmod>` : ''}</url>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${body}</urlset>
`;
}
